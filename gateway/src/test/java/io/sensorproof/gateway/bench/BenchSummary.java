package io.sensorproof.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 18's goals against one {@code -Pbench} run: reads what {@link GatewayLoadTest}, {@link CoapLoadTest} and
 * {@code MessageStoreThroughput} wrote in that run and says, goal by goal, what was measured, the target, and whether it
 * was met. A result file that is absent (its run skipped or failed), or older than {@code --since} (left by an earlier
 * run), makes its goals "not measured", never met.
 *
 * <pre>
 * java -cp &lt;gateway test classpath&gt; io.sensorproof.gateway.bench.BenchSummary --mqtt target/gateway-load.json \
 *     --coap target/coap-load.json --store target/persistence-throughput.json --out target/bench-summary.json \
 *     [--since 2026-12-07T13:00:00Z]
 * </pre>
 *
 * Besides the goals it reports, per transport, the <em>CPU ceiling</em> of the pack-10 phase: the readings per second
 * the machine's cores could carry at that phase's CPU per reading of every process (gateway, PostgreSQL, broker,
 * generator), if nothing ever waited. When that ceiling is below 60 % of the insert limit, the share goal cannot be
 * reached on this machine by removing waits alone (ADR 058, ADR 066).
 */
public final class BenchSummary {
    static final double MQTT_MAX_VERIFIES = 2.0;
    static final double COAP_MAX_VERIFIES = 1.5;
    static final double MIN_SHARE_OF_INSERT_LIMIT = 0.60;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchSummary() {
    }

    /** One line of the summary. {@code met} is empty when the goal was not measured or has no target. */
    record Row(String goal, String measured, String target, Optional<Boolean> met, String detail) {
        String verdict() {
            if (target.isEmpty()) {
                return "(information)";
            }
            return met.map(m -> m ? "met" : "NOT met").orElse("not measured");
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts;
        try {
            opts = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("BenchSummary: " + e.getMessage());
            System.exit(2);
            return;
        }
        Instant since = Instant.parse(opts.get("--since"));
        Map<String, Object> inputs = new LinkedHashMap<>();
        Optional<JsonNode> mqtt = read(opts.get("--mqtt"), since, "mqtt", inputs);
        Optional<JsonNode> coap = read(opts.get("--coap"), since, "coap", inputs);
        Optional<JsonNode> store = read(opts.get("--store"), since, "store", inputs);
        List<Row> rows = evaluate(mqtt, coap, store);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("since", since.toString());
        report.put("inputs", inputs);
        List<Map<String, Object>> goals = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("goal", r.goal());
            g.put("measured", r.measured());
            g.put("target", r.target());
            g.put("verdict", r.verdict());
            g.put("detail", r.detail());
            goals.add(g);
        }
        report.put("goals", goals);
        Path out = Path.of(opts.get("--out"));
        Files.writeString(out, JSON.writeValueAsString(report));
        inputs.forEach((k, v) -> System.out.println(k + ": " + v));
        System.out.println(markdown(rows));
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** The options with their defaults; an unknown option, a missing value or a {@code --since} that is no instant is refused. */
    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("--mqtt", "target/gateway-load.json", "--coap", "target/coap-load.json",
                "--store", "target/persistence-throughput.json", "--out", "target/bench-summary.json", "--since", Instant.EPOCH.toString()));
        String usage = "usage: BenchSummary [--mqtt F] [--coap F] [--store F] [--out F] [--since INSTANT, e.g. 2026-12-07T13:00:00Z]";
        for (int i = 0; i < args.length; i += 2) {
            if (!opts.containsKey(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException(usage + "; got '" + args[i] + "'" + (opts.containsKey(args[i]) ? " without a value" : ""));
            }
            opts.put(args[i], args[i + 1]);
        }
        try {
            Instant.parse(opts.get("--since"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since must be an instant such as 2026-12-07T13:00:00Z, got '" + opts.get("--since") + "'");
        }
        return opts;
    }

    /** The parsed file, or empty (with the reason in {@code inputs}) when it is absent or was written before {@code since}. */
    static Optional<JsonNode> read(String file, Instant since, String name, Map<String, Object> inputs) throws IOException {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            inputs.put(name, file + ": absent, not measured");
            return Optional.empty();
        }
        Instant written = Files.getLastModifiedTime(p).toInstant();
        if (written.isBefore(since)) {
            inputs.put(name, file + ": ignored, written " + written + " before this run started (" + since + ")");
            return Optional.empty();
        }
        inputs.put(name, file + ": written " + written);
        return Optional.of(JSON.readTree(p.toFile()));
    }

    /** The goals, in the order. Each argument is a parsed result file, or empty when that run did not write one. */
    static List<Row> evaluate(Optional<JsonNode> mqtt, Optional<JsonNode> coap, Optional<JsonNode> store) {
        List<Row> rows = new ArrayList<>();
        for (String phase : List.of("pack1", "pack10")) {
            rows.add(cpuOverVerify("MQTT", mqtt, phase, MQTT_MAX_VERIFIES));
        }
        for (String phase : List.of("pack1", "pack10")) {
            rows.add(cpuOverVerify("CoAP", coap, phase, COAP_MAX_VERIFIES));
        }
        rows.add(coapDrops(coap));
        // a limit measured with fsync, synchronous_commit or full_page_writes off is not the durable one
        boolean durable = store.map(s -> !s.path("durability").asText("").contains("=off")).orElse(false);
        Optional<JsonNode> limit = store.filter(s -> durable).map(s -> s.path("durableInsertLimit"))
                .filter(n -> n.path("readingsPerSecond").isNumber());
        String noLimit = store.isEmpty() ? "no insert limit (MessageStoreThroughput did not run)"
                : !durable ? "the insert limit was measured without durability (" + store.get().path("durability").asText() + ")"
                : "MessageStoreThroughput's file has no durableInsertLimit";
        for (Map.Entry<String, Optional<JsonNode>> t : List.of(Map.entry("MQTT", mqtt), Map.entry("CoAP", coap))) {
            rows.add(shareOfLimit(t.getKey(), t.getValue(), limit, noLimit));
            rows.add(cpuCeiling(t.getKey(), t.getValue(), limit));
        }
        for (Map.Entry<String, Optional<JsonNode>> t : List.of(Map.entry("MQTT", mqtt), Map.entry("CoAP", coap))) {
            rows.add(allAcknowledged(t.getKey(), t.getValue()));
        }
        return rows;
    }

    private static Optional<JsonNode> phase(Optional<JsonNode> run, String name) {
        return run.flatMap(r -> {
            for (JsonNode p : r.path("phases")) {
                if (name.equals(p.path("phase").asText())) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        });
    }

    private static Row cpuOverVerify(String transport, Optional<JsonNode> run, String phaseName, double max) {
        String goal = transport + " " + phaseName + ": gateway CPU per message ÷ ES256 verify";
        String target = "≤ " + fmt(max) + "×";
        Optional<JsonNode> phase = phase(run, phaseName);
        if (phase.isEmpty()) {
            return new Row(goal, "–", target, Optional.empty(), missing(run, phaseName));
        }
        JsonNode p = phase.get();
        JsonNode sampled = p.path("gatewayCpuPerMessageOverEs256VerifyDuringWindow");
        boolean duringWindow = sampled.isNumber();
        double ratio = duringWindow ? sampled.asDouble() : p.path("gatewayCpuPerMessageOverEs256Verify").asDouble(Double.NaN);
        if (Double.isNaN(ratio)) {
            return new Row(goal, "–", target, Optional.empty(), "the phase has no ratio to the verify");
        }
        double gateway = p.path("cpuMicrosPerMessage").path("gateway").asDouble(Double.NaN);
        double verify = duringWindow ? p.path("es256VerifyMicrosDuringWindow").path("median").asDouble(Double.NaN)
                : run.get().path("crypto").path("es256VerifyMicros").asDouble(Double.NaN);
        String detail = String.format(Locale.ROOT, "%s µs ÷ %s µs (%s), %,.0f msg/s", fmt(gateway), fmt(verify),
                duringWindow ? "verify sampled during the phase" : "verify measured before the gateway started",
                p.path("acceptedMessagesPerSecond").asDouble());
        return new Row(goal, fmt(ratio) + "×", target, Optional.of(ratio <= max), detail);
    }

    private static Row coapDrops(Optional<JsonNode> coap) {
        String goal = "CoAP: no datagram dropped";
        if (coap.isEmpty() || !coap.get().path("udp").isObject()) {
            return new Row(goal, "–", "0", Optional.empty(), coap.isEmpty() ? "no CoAP results" : "the run has no UDP counters");
        }
        JsonNode udp = coap.get().path("udp");
        long socket = udp.path("gatewaySocketDrops").asLong(0);
        long rcvbuf = udp.path("machineUdpDelta").path("RcvbufErrors").asLong(0);
        long inErrors = udp.path("machineUdpDelta").path("InErrors").asLong(0);
        long retransmissions = 0;
        for (JsonNode p : coap.get().path("phases")) {
            retransmissions += p.path("coapRetransmissions").asLong(0);
        }
        long drops = socket + rcvbuf;
        return new Row(goal, Long.toString(drops), "0", Optional.of(drops == 0 && inErrors == 0),
                String.format(Locale.ROOT, "gateway socket drops %d, machine UDP receive-buffer errors %d, UDP in-errors %d; CoAP "
                        + "retransmissions in the measured phases %d", socket, rcvbuf, inErrors, retransmissions));
    }

    private static Row shareOfLimit(String transport, Optional<JsonNode> run, Optional<JsonNode> limit, String noLimit) {
        String goal = transport + " pack10: readings/s ÷ the durable insert limit";
        String target = "≥ " + Math.round(MIN_SHARE_OF_INSERT_LIMIT * 100) + " %";
        Optional<JsonNode> phase = phase(run, "pack10");
        if (phase.isEmpty() || limit.isEmpty()) {
            return new Row(goal, "–", target, Optional.empty(), phase.isEmpty() ? missing(run, "pack10") : noLimit);
        }
        double readings = phase.get().path("acceptedReadingsPerSecond").asDouble();
        double max = limit.get().path("readingsPerSecond").asDouble();
        double share = readings / max;
        return new Row(goal, pct(share), target, Optional.of(share >= MIN_SHARE_OF_INSERT_LIMIT),
                String.format(Locale.ROOT, "%,.0f readings/s ÷ %,.0f (%s)", readings, max, limitCase(limit.get())));
    }

    /**
     * The readings per second the run's cores could carry at its pack-10 CPU per reading (all measured processes), if
     * nothing waited; and that ceiling's share of the insert limit. Information, no target.
     */
    private static Row cpuCeiling(String transport, Optional<JsonNode> run, Optional<JsonNode> limit) {
        String goal = transport + " pack10: CPU ceiling (readings/s the cores carry at this CPU per reading, no waiting)";
        Optional<JsonNode> phase = phase(run, "pack10");
        if (phase.isEmpty()) {
            return new Row(goal, "–", "", Optional.empty(), missing(run, "pack10"));
        }
        JsonNode p = phase.get();
        int cores = run.get().path("machine").path("availableProcessors").asInt(0);
        double pack = p.path("packSize").asDouble(10);
        JsonNode cpu = p.path("cpuMicrosPerMessage");
        double perMessage = 0;
        StringBuilder parts = new StringBuilder();
        for (String process : List.of("gateway", "postgres", "broker", "generator")) {
            double us = cpu.path(process).asDouble(0);
            perMessage += us;
            parts.append(parts.length() == 0 ? "" : " + ").append(process).append(' ').append(fmt(us));
        }
        if (cores == 0 || perMessage <= 0) {
            return new Row(goal, "–", "", Optional.empty(), "the run has no CPU per message or core count");
        }
        double ceiling = cores * 1e6 / (perMessage / pack);
        String ofLimit = limit.map(l -> ", " + pct(ceiling / l.path("readingsPerSecond").asDouble()) + " of the insert limit").orElse("");
        return new Row(goal, String.format(Locale.ROOT, "%,.0f readings/s%s", ceiling, ofLimit), "", Optional.empty(),
                String.format(Locale.ROOT, "%d cores × 10⁶ ÷ ((%s) µs per message ÷ %s readings)", cores, parts, fmt(pack)));
    }

    private static Row allAcknowledged(String transport, Optional<JsonNode> run) {
        String goal = transport + ": every measured message accepted with a verified acknowledgement";
        if (run.isEmpty()) {
            return new Row(goal, "–", "all", Optional.empty(), "no " + transport + " results");
        }
        long sent = 0;
        long accepted = 0;
        long bad = 0;
        for (String name : List.of("pack1", "pack10")) {
            Optional<JsonNode> phase = phase(run, name);
            if (phase.isEmpty()) {
                return new Row(goal, "–", "all", Optional.empty(), missing(run, name));
            }
            JsonNode p = phase.get();
            long expected = p.has("messagesSent") ? p.path("messagesSent").asLong() : p.path("messages").asLong();
            sent += expected;
            accepted += p.path("accepted").asLong();
            bad += p.path("badAcks").asLong(0) + p.path("errors").asLong(0) + p.path("rejected").size()
                    + p.path("outstandingAfterDrain").asLong(0);
        }
        return new Row(goal, String.format(Locale.ROOT, "%,d of %,d", accepted, sent), "all", Optional.of(accepted == sent && bad == 0),
                "bad acknowledgements, errors, rejections and unanswered requests: " + bad);
    }

    private static String missing(Optional<JsonNode> run, String phase) {
        return run.isEmpty() ? "no results file (the run was skipped or failed)" : "the results have no " + phase + " phase";
    }

    private static String limitCase(JsonNode limit) {
        return String.format(Locale.ROOT, "MessageStoreThroughput's best case: %s, batches of %d messages, %d writers",
                limit.path("shape").asText(), limit.path("batchMessages").asInt(), limit.path("workers").asInt());
    }

    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| goal | measured | target | verdict | how |\n|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append("| ").append(r.goal()).append(" | ").append(r.measured()).append(" | ").append(r.target()).append(" | ")
                    .append(r.verdict()).append(" | ").append(r.detail()).append(" |\n");
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f %%", share * 100);
    }
}
