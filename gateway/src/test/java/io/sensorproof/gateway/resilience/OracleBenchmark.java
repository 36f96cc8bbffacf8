package io.sensorproof.gateway.resilience;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.http.HttpService;

/**
 * Issue 15's oracle benchmark (opt-in, {@code -Poracle-bench}, never in CI): the packaged standalone gateway (a
 * child JVM) with its local anvil at 1 s blocks and 2 prover workers (zokrates-js), set up as
 * {@link CollateralFreezeIT} sets up its cold room (shared through {@link CollateralRig}), with {@code --rooms}
 * such rooms, each its own lot and CollateralFinancing facility (20 s above 8 °C freezes), and {@code --backlog-rooms}
 * more whose facilities need 500 s (they only make run claims). Three phases on one gateway:
 *
 * <ol>
 *   <li><b>Freeze latency.</b> The freeze rooms' compressors fail one after the other, {@code --stagger-ms} apart;
 *   each room is cooled again once its freeze is recorded FROZEN. Per freeze: from the gateway's arrival
 *   ({@code received_at}, via the last run claim's {@code latest_arrival}) of the reading that completes the
 *   minimum duration to the {@code freeze} transaction's block time and to the job's confirmation, with the split
 *   (freeze loop round to plan the last claim, waiting for a worker, proving, self-verification and submission, the
 *   anchoring transaction on chain, the loop round that records the freeze, the freeze transaction on chain).</li>
 *   <li><b>Commitment batches per second.</b> Every room's agent feeds one reading per {@code --ingest-period-ms} for
 *   {@code --batch-seconds}: batches sealed and anchored per second, readings sealed per second and the lag from
 *   sealing to anchoring, under the stated ingest rate and {@code sensorproof.batches.size}.</li>
 *   <li><b>Run claims per minute.</b> The backlog rooms' compressors fail together: each room plans a 15-reading
 *   claim every 15 s, more than 2 workers prove, so a backlog builds; over {@code --backlog-seconds} with a
 *   backlog, run-claim jobs proved and anchored per minute.</li>
 * </ol>
 *
 * <p>Writes a JSON results file with every parameter, the machine, the load average sampled through the run, the
 * command, the percentiles and every sample, and prints a summary. Times are the gateway's own timestamps
 * ({@code oracle_jobs}, {@code run_claims}, {@code freezes}, {@code commitment_batches}) read from its database,
 * plus the chain's block times; {@link OracleJobWatch} reads job state changes every 100 ms.
 */
public final class OracleBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String FACTORY = "ob-factory";
    private static final String BANK = "ob-bank";
    private static final String SITE = "cold-store";
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final long SAMPLING_MS = 1_000;
    private static final CollateralRig.Watch FREEZE_WATCH = new CollateralRig.Watch(27_515, 28_115, 20_000, 1_500, SAMPLING_MS, 600_000);
    private static final CollateralRig.Watch BACKLOG_WATCH = new CollateralRig.Watch(27_515, 28_115, 500_000, 1_500, SAMPLING_MS, 600_000);
    private static final double COOL = 5.0;
    private static final double HOT = 12.0;

    private OracleBenchmark() {
    }

    /** The benchmark's parameters (command-line options). */
    record Options(int rooms, long staggerMs, int backlogRooms, long backlogSeconds, int proverWorkers, int blockTime,
            int batchSize, String batchWindow, long ingestPeriodMs, long batchSeconds, Path work, Path out, String command) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(a.getOrDefault("rooms", "20")), Long.parseLong(a.getOrDefault("stagger-ms", "10000")),
                    Integer.parseInt(a.getOrDefault("backlog-rooms", "8")), Long.parseLong(a.getOrDefault("backlog-seconds", "180")),
                    Integer.parseInt(a.getOrDefault("prover-workers", "2")), Integer.parseInt(a.getOrDefault("block-time", "1")),
                    Integer.parseInt(a.getOrDefault("batch-size", "256")), a.getOrDefault("batch-window", "1m"),
                    Long.parseLong(a.getOrDefault("ingest-period-ms", "50")), Long.parseLong(a.getOrDefault("batch-seconds", "60")),
                    Path.of(a.getOrDefault("work", "target/oracle-bench")).toAbsolutePath(),
                    Path.of(a.getOrDefault("out", "oracle-bench-results.json")).toAbsolutePath(),
                    a.getOrDefault("command", "java -cp <test classpath> " + OracleBenchmark.class.getName() + " " + String.join(" ", args)));
        }
    }

    /** One measured freeze; times in ms from the completing reading's arrival, intervals in ms (null: state not seen). */
    record FreezeSample(String device, long lot, long freezeId, int runClaims, String arrivedAt, String freezeTx, long block,
            String blockTime, long toBlockMs, long toConfirmedMs, Long loopPlanMs, Long workerWaitMs, Long proveVerifySendMs,
            Long anchorChainMs, Long loopFreezeMs, Long freezeChainMs) {
    }

    /** A room: its device, lot, facility and feeder. */
    record RoomRig(String device, long lot, BigInteger facility, CollateralRig.Room room) {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Options.parse(args)));
    }

    static int run(Options o) throws Exception {
        GatewayProcess.deleteTree(o.work());
        Files.createDirectories(o.work());
        Path dataDir = o.work().resolve("gateway-data");
        LoadSampler load = LoadSampler.start(Duration.ofSeconds(5));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "oracle (issue 15): freeze latency, commitment batches per second, run claims per minute");
        result.put("command", o.command());
        result.put("startedAt", Instant.now().toString());
        result.put("parameters", parameters(o));
        result.put("machine", machine());
        int http = GatewayProcess.freePort();
        int chainPort = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("oracle-bench"));
        env.putAll(gatewaySettings(o, chainPort));
        MessageRows db = new MessageRows(ports.jdbcUrl());
        Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
        GatewayProcess gateway = null;
        List<RoomRig> rooms = new ArrayList<>();
        OracleJobWatch watch = null;
        try {
            Instant t0 = Instant.now();
            gateway = GatewayProcess.start("gateway", dataDir, http, env, Map.of(), o.work().resolve("gateway.log"));
            gateway.awaitReady(Duration.ofMinutes(15));
            System.out.printf("oracle-bench: gateway ready in %d s%n", Duration.between(t0, Instant.now()).toSeconds());
            String operator = gateway.operatorKey();
            gateway.call("POST", "/api/v1/tenants", operator, Map.of("id", FACTORY, "name", FACTORY, "kind", "factory"), 201);
            gateway.call("POST", "/api/v1/tenants", operator, Map.of("id", BANK, "name", BANK, "kind", "bank"), 201);
            String bankKey = CollateralRig.key(gateway, operator, "bank", BANK);
            String factoryKey = CollateralRig.key(gateway, operator, "factory", FACTORY);
            gateway.call("POST", "/api/v1/tenants/" + FACTORY + "/sites", operator, Map.of("siteId", SITE, "name", SITE), 201);
            byte[] ackKey = gateway.ackKeySpki(operator);

            List<String> devices = new ArrayList<>();
            for (int i = 1; i <= o.rooms(); i++) {
                devices.add(String.format("ob-room-%02d", i));
            }
            for (int i = 1; i <= o.backlogRooms(); i++) {
                devices.add(String.format("ob-backlog-%02d", i));
            }
            Map<String, Long> lots = new LinkedHashMap<>();
            Map<String, CollateralRig.Room> feeders = new LinkedHashMap<>();
            for (String device : devices) {
                StreamingAgent enrolled = new StreamingAgent(FACTORY, device);
                Path agentDir = o.work().resolve("agents").resolve(device);
                enrolled.enroll(gateway, operator, agentDir);
                EdgeAgent agent = CollateralRig.startAgent(enrolled, agentDir, ports.deviceMqttUrl(), gateway.brokerServerCertificate(), ackKey);
                feeders.put(device, CollateralRig.Room.start(agent, device, COOL, SAMPLING_MS));
                lots.put(device, CollateralRig.pledgeLot(gateway, factoryKey, bankKey, FACTORY, SITE, BANK, device,
                        device.startsWith("ob-room") ? FREEZE_WATCH : BACKLOG_WATCH));
            }
            Deployment deployment = Deployment.read(dataDir.resolve("chain").resolve("chain.json"));
            CollateralFinancing asBank = CollateralRig.financing(web3j, deployment, LocalDeployment.BANK_ACCOUNT);
            CollateralFinancing asBorrower = CollateralRig.financing(web3j, deployment, CollateralRig.BORROWER_ACCOUNT);
            for (String device : devices) {
                CollateralRig.awaitRegistered(web3j, deployment, device, Duration.ofMinutes(5));
                BigInteger facility = CollateralRig.openFacility(asBank, asBorrower, List.of(device),
                        device.startsWith("ob-room") ? FREEZE_WATCH : BACKLOG_WATCH);
                gateway.call("PUT", "/api/v1/lots/" + lots.get(device) + "/chain-facility", bankKey,
                        Map.of("facilityId", facility.toString()), 200);
                rooms.add(new RoomRig(device, lots.get(device), facility, feeders.get(device)));
            }
            System.out.printf("oracle-bench: %d rooms enrolled, pledged and financed on chain after %d s%n", rooms.size(),
                    Duration.between(t0, Instant.now()).toSeconds());
            watch = OracleJobWatch.start(db, LEASE, Duration.ofMillis(100));
            List<RoomRig> freezeRooms = rooms.stream().filter(r -> r.device().startsWith("ob-room")).toList();
            List<RoomRig> backlogRooms = rooms.stream().filter(r -> r.device().startsWith("ob-backlog")).toList();

            final OracleJobWatch jobs = watch;
            phase(result, "freezeLatency", () -> freezePhase(o, db, web3j, jobs, freezeRooms, load));
            final GatewayProcess gw = gateway;
            phase(result, "commitmentBatches", () -> batchPhase(o, db, gw, rooms, load));
            phase(result, "runClaims", () -> claimPhase(o, jobs, backlogRooms, load));
            result.put("gatewayMetrics", Map.of(
                    "sensorproof_freeze_rounds_total", gateway.metric("sensorproof_freeze_rounds_total"),
                    "sensorproof_freeze_rounds_failed_total", gateway.metric("sensorproof_freeze_rounds_failed_total"),
                    "sensorproof_batches_failures_total", gateway.metric("sensorproof_batches_failures_total")));
            result.put("jobsFailed", CollateralRig.strings(db,
                    "SELECT kind || ' ' || id || ' ' || coalesce(failure_code, '') FROM oracle_jobs WHERE state = 'FAILED' ORDER BY id"));
        } finally {
            if (watch != null) {
                watch.close();
            }
            for (RoomRig r : rooms) {
                try {
                    r.room().close();
                } catch (Exception e) {
                    System.err.println("oracle-bench: " + e.getMessage());
                }
            }
            web3j.shutdown();
            if (gateway != null) {
                gateway.stop();
            }
            GatewayProcess.killLeftovers(dataDir);
            load.close();
        }
        result.put("finishedAt", Instant.now().toString());
        result.put("loadAverage", load.summary());
        Files.createDirectories(o.out().getParent());
        JSON.writeValue(o.out().toFile(), result);
        System.out.println(summary(result) + " -> " + o.out());
        return result.keySet().stream().anyMatch(k -> k.endsWith("Error")) ? 1 : 0;
    }

    /** One measured part of the run. */
    interface Phase {
        Map<String, Object> run() throws Exception;
    }

    /** Runs a phase; a failure is recorded as {@code <name>Error} so that the other phases' figures are still written. */
    private static void phase(Map<String, Object> result, String name, Phase phase) {
        try {
            result.put(name, phase.run());
        } catch (Exception | AssertionError e) {
            System.err.println("oracle-bench: " + name + " failed: " + e);
            result.put(name + "Error", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Map<String, String> gatewaySettings(Options o, int chainPort) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(chainPort));
        env.put("SENSORPROOF_CHAIN_LOCAL_BLOCK_TIME", Integer.toString(o.blockTime()));
        env.put("SENSORPROOF_PROVER_ENABLED", "true");
        env.put("SENSORPROOF_PROVER_WORKERS", Integer.toString(o.proverWorkers()));
        env.put("SENSORPROOF_BATCHES_SIZE", Integer.toString(o.batchSize()));
        env.put("SENSORPROOF_BATCHES_WINDOW", o.batchWindow());
        env.put("SENSORPROOF_ORACLE_LEASE", LEASE.toSeconds() + "s");
        return env;
    }

    private static Map<String, Object> parameters(Options o) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("freezeRooms", o.rooms());
        p.put("staggerMs", o.staggerMs());
        p.put("backlogRooms", o.backlogRooms());
        p.put("backlogSeconds", o.backlogSeconds());
        p.put("batchSeconds", o.batchSeconds());
        p.put("ingestPeriodMsPerRoom", o.ingestPeriodMs());
        p.put("statedIngestReadingsPerSecond", (o.rooms() + o.backlogRooms()) * 1000.0 / o.ingestPeriodMs());
        p.put("samplingMs", SAMPLING_MS);
        p.put("freezeTerms", FREEZE_WATCH);
        p.put("backlogTerms", BACKLOG_WATCH);
        p.put("temperatures", Map.of("cool", COOL, "hot", HOT));
        p.put("gatewaySettings", gatewaySettings(o, 0).entrySet().stream().filter(e -> !e.getKey().endsWith("_PORT"))
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        p.put("otherSettings", "defaults of the standalone prod profile: oracle.workers 2, oracle.chain-workers 1, oracle.poll-interval 500ms, "
                + "oracle.confirmations 1, oracle.enforcement-interval 5s, oracle.settle-wait 2m, chain.events.interval 2s");
        p.put("agents", "in this JVM, enrolled, TLS to the embedded broker; packs of up to 10 readings sealed after 100 ms");
        p.put("arrival", "run_claims.latest_arrival of the freeze's last run claim: the gateway's received_at of the completing reading");
        p.put("jobWatchIntervalMs", 100);
        return p;
    }

    /** Phase 1: staggered excursions, one freeze each; the latency and its split per freeze. */
    private static Map<String, Object> freezePhase(Options o, MessageRows db, Web3j web3j, OracleJobWatch watch, List<RoomRig> rooms,
            LoadSampler load) throws Exception {
        Instant start = Instant.now();
        Map<Long, RoomRig> byLot = new HashMap<>();
        rooms.forEach(r -> byLot.put(r.lot(), r));
        Set<Long> done = new HashSet<>();
        Instant deadline = start.plusMillis(o.staggerMs() * rooms.size()).plus(Duration.ofMinutes(6));
        int started = 0;
        while (done.size() < rooms.size() && Instant.now().isBefore(deadline)) {
            while (started < rooms.size() && !Instant.now().isBefore(start.plusMillis(o.staggerMs() * started))) {
                rooms.get(started).room().celsius(HOT);
                started++;
            }
            for (String row : CollateralRig.strings(db, "SELECT lot_id || ' ' || state FROM freezes WHERE state IN ('FROZEN', 'FAILED')")) {
                long lot = Long.parseLong(row.split(" ")[0]);
                if (byLot.containsKey(lot) && done.add(lot)) {
                    byLot.get(lot).room().celsius(COOL);
                    System.out.printf("oracle-bench: freeze %d of %d: %s %s%n", done.size(), rooms.size(), byLot.get(lot).device(),
                            row.split(" ")[1]);
                }
            }
            Thread.sleep(250);
        }
        rooms.forEach(r -> r.room().celsius(COOL));
        Instant end = Instant.now();
        List<FreezeSample> samples = freezeSamples(db, web3j, watch, byLot);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", start.toString());
        out.put("to", end.toString());
        out.put("excursions", rooms.size());
        out.put("frozen", samples.size());
        out.put("failed", CollateralRig.strings(db, "SELECT lot_id || ' ' || coalesce(failure_code, '') FROM freezes WHERE state = 'FAILED'"));
        out.put("loadAverage", load.between(start, end));
        out.put("toBlockTimeMs", stats(samples.stream().mapToLong(FreezeSample::toBlockMs).toArray()));
        out.put("toConfirmedMs", stats(samples.stream().mapToLong(FreezeSample::toConfirmedMs).toArray()));
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("loopPlanMs", stats(values(samples, FreezeSample::loopPlanMs)));
        split.put("workerWaitMs", stats(values(samples, FreezeSample::workerWaitMs)));
        split.put("proveVerifySendMs", stats(values(samples, FreezeSample::proveVerifySendMs)));
        split.put("anchorChainMs", stats(values(samples, FreezeSample::anchorChainMs)));
        split.put("loopFreezeMs", stats(values(samples, FreezeSample::loopFreezeMs)));
        split.put("freezeChainMs", stats(values(samples, FreezeSample::freezeChainMs)));
        out.put("split", split);
        // the estimate issue 19 asks for: the same run with the last claim's proof 5 times faster, nothing else changed.
        // proveVerifySend also holds the verification and sending (a small part, counted here as proving: optimistic);
        // the worker wait, which shrinks too when proofs are faster, is kept as measured (pessimistic)
        out.put("estimatedToBlockTimeMsWithProver5xFaster", stats(samples.stream().filter(x -> x.proveVerifySendMs() != null)
                .mapToLong(x -> x.toBlockMs() - Math.round(0.8 * x.proveVerifySendMs())).toArray()));
        out.put("splitNote", "the last run claim's path: loopPlan = arrival -> claim stored by the freeze loop; workerWait = stored ->"
                + " claimed by a job worker; proveVerifySend = claimed -> SUBMITTED (the proof by a zokrates-js worker, then the"
                + " Java verifier, estimation, signing and sending: PROVED and SELF_VERIFIED"
                + " usually pass between two reads of the job table, 100 ms apart, and are not split out); anchorChain = SUBMITTED -> CONFIRMED (block,"
                + " receipt); loopFreeze = anchored -> freeze"
                + " recorded by the loop; freezeChain = freeze recorded -> its job CONFIRMED (worker, estimate, send, block, receipt)");
        out.put("samples", samples);
        return out;
    }

    private static List<FreezeSample> freezeSamples(MessageRows db, Web3j web3j, OracleJobWatch watch, Map<Long, RoomRig> byLot)
            throws Exception {
        String sql = "SELECT f.id, f.lot_id, jsonb_array_length(f.runs -> 0), f.tx_hash, f.block_number, f.created_at,"
                + " j.updated_at, rc.latest_arrival, rc.created_at, rc.job_id, cj.updated_at"
                + " FROM freezes f JOIN oracle_jobs j ON j.id = f.job_id"
                + " JOIN run_claims rc ON rc.claim_id = f.runs -> 0 ->> -1"
                + " JOIN oracle_jobs cj ON cj.id = rc.job_id"
                + " WHERE f.state = 'FROZEN' ORDER BY f.id";
        List<FreezeSample> samples = new ArrayList<>();
        Map<Long, Instant> blockTimes = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long lot = rs.getLong(2);
                if (!byLot.containsKey(lot)) {
                    continue;
                }
                long block = rs.getLong(5);
                Instant recorded = rs.getTimestamp(6).toInstant();
                Instant confirmed = rs.getTimestamp(7).toInstant();
                Instant arrival = rs.getTimestamp(8).toInstant();
                Instant planned = rs.getTimestamp(9).toInstant();
                long claimJob = rs.getLong(10);
                Instant anchored = rs.getTimestamp(11).toInstant();
                Instant blockTime = blockTimes.computeIfAbsent(block, b -> blockTime(web3j, b));
                Optional<OracleJobWatch.Seen> seen = watch.job(claimJob);
                Optional<Instant> claimed = seen.flatMap(OracleJobWatch.Seen::claimed);
                Optional<Instant> submitted = seen.flatMap(s -> s.at("SUBMITTED"));
                samples.add(new FreezeSample(byLot.get(lot).device(), lot, rs.getLong(1), rs.getInt(3), arrival.toString(), rs.getString(4),
                        block, blockTime.toString(), ms(arrival, blockTime), ms(arrival, confirmed), ms(arrival, planned),
                        claimed.map(t -> ms(planned, t)).orElse(null),
                        claimed.flatMap(t -> submitted.map(s -> ms(t, s))).orElse(null),
                        submitted.map(s -> ms(s, anchored)).orElse(null),
                        ms(anchored, recorded), ms(recorded, confirmed)));
            }
        }
        return samples;
    }

    private static Instant blockTime(Web3j web3j, long block) {
        try {
            return Instant.ofEpochSecond(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false).send()
                    .getBlock().getTimestamp().longValueExact());
        } catch (IOException e) {
            throw new IllegalStateException("block " + block, e);
        }
    }

    /** Phase 2: every room fed faster; batches sealed and anchored per second and the anchoring lag. */
    private static Map<String, Object> batchPhase(Options o, MessageRows db, GatewayProcess gateway, List<RoomRig> rooms, LoadSampler load)
            throws Exception {
        rooms.forEach(r -> r.room().periodMs(o.ingestPeriodMs()));
        Thread.sleep(10_000); // warm-up: the faster packs reach the store before the window opens
        double failuresBefore = gateway.metric("sensorproof_batches_failures_total");
        Instant from = Instant.now();
        Thread.sleep(o.batchSeconds() * 1000);
        Instant to = Instant.now();
        double failuresInWindow = gateway.metric("sensorproof_batches_failures_total") - failuresBefore;
        rooms.forEach(r -> r.room().periodMs(SAMPLING_MS));
        double seconds = Duration.between(from, to).toMillis() / 1000.0;
        long readings = count(db, "SELECT count(*) FROM readings WHERE received_at >= ? AND received_at < ?", from, to);
        long sealed = count(db, "SELECT count(*) FROM commitment_batches WHERE sealed_at >= ? AND sealed_at < ?", from, to);
        long sealedReadings = count(db, "SELECT coalesce(sum(size), 0) FROM commitment_batches WHERE sealed_at >= ? AND sealed_at < ?",
                from, to);
        long anchored = count(db, "SELECT count(*) FROM commitment_batches WHERE anchored_at >= ? AND anchored_at < ?", from, to);
        // the lag of the window's batches, once they are all anchored (or two minutes have passed)
        Instant lagDeadline = Instant.now().plus(Duration.ofMinutes(2));
        while (count(db, "SELECT count(*) FROM commitment_batches WHERE sealed_at >= ? AND sealed_at < ? AND anchored_at IS NULL",
                from, to) > 0 && Instant.now().isBefore(lagDeadline)) {
            Thread.sleep(500);
        }
        List<Long> lags = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT (extract(epoch FROM anchored_at - sealed_at) * 1000)::bigint FROM commitment_batches"
                        + " WHERE sealed_at >= ? AND sealed_at < ? AND anchored_at IS NOT NULL")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lags.add(rs.getLong(1));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("statedIngestReadingsPerSecond", rooms.size() * 1000.0 / o.ingestPeriodMs());
        out.put("storedReadingsPerSecond", round(readings / seconds));
        out.put("batchSize", o.batchSize());
        out.put("batchesSealedPerSecond", round(sealed / seconds));
        out.put("readingsSealedPerSecond", round(sealedReadings / seconds));
        out.put("batchesAnchoredPerSecond", round(anchored / seconds));
        out.put("batchesSealed", sealed);
        out.put("batchesAnchoredInWindow", anchored);
        out.put("sealedToAnchoredMs", stats(lags.stream().mapToLong(Long::longValue).toArray()));
        out.put("batcherFailuresInWindow", failuresInWindow);
        out.put("firstBatcherFailure", firstBatcherFailure(gateway.dataDir().getParent().resolve("gateway.log")));
        out.put("loadAverage", load.between(from, to));
        return out;
    }

    /** Phase 3: the backlog rooms' excursions together; run claims proved and anchored per minute over a backlog. */
    private static Map<String, Object> claimPhase(Options o, OracleJobWatch watch, List<RoomRig> rooms, LoadSampler load)
            throws Exception {
        Instant hot = Instant.now();
        rooms.forEach(r -> r.room().celsius(HOT));
        // the measurement starts once two claims wait for a worker (the first chunks fill after 15 readings)
        Instant warmDeadline = hot.plus(Duration.ofMinutes(3));
        while (watch.latest().map(OracleJobWatch.Backlog::runClaimsWaiting).orElse(0) < 2 && Instant.now().isBefore(warmDeadline)) {
            Thread.sleep(200);
        }
        Instant from = Instant.now();
        Thread.sleep(o.backlogSeconds() * 1000);
        Instant to = Instant.now();
        rooms.forEach(r -> r.room().celsius(COOL));
        double minutes = Duration.between(from, to).toMillis() / 60_000.0;
        List<OracleJobWatch.Seen> claims = watch.jobs().values().stream().filter(s -> s.kind.equals("run-claim")).toList();
        // proved = sent: a run-claim job is SUBMITTED a fraction of a second after its proof (verified, estimated, signed)
        List<OracleJobWatch.Seen> sent = claims.stream().filter(s -> s.at("SUBMITTED").filter(t -> !t.isBefore(from) && t.isBefore(to))
                .isPresent()).toList();
        long proved = sent.size();
        long confirmed = claims.stream().filter(s -> s.at("CONFIRMED").filter(t -> !t.isBefore(from) && t.isBefore(to)).isPresent()).count();
        long[] proving = sent.stream().filter(s -> s.claimed().isPresent()).mapToLong(s -> ms(s.claimedAt, s.states.get("SUBMITTED")))
                .toArray();
        List<OracleJobWatch.Backlog> backlog = watch.backlog(from, to);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("rooms", rooms.size());
        out.put("claimsPlannedPerMinute", round(rooms.size() * 60.0 / 15));
        out.put("provedAndSentPerMinute", round(proved / minutes));
        out.put("anchoredPerMinute", round(confirmed / minutes));
        out.put("provedAndSent", proved);
        out.put("anchored", confirmed);
        out.put("proveVerifySendMs", stats(proving));
        out.put("backlogWaitingMin", backlog.stream().mapToInt(OracleJobWatch.Backlog::runClaimsWaiting).min().orElse(-1));
        out.put("backlogWaitingMax", backlog.stream().mapToInt(OracleJobWatch.Backlog::runClaimsWaiting).max().orElse(-1));
        out.put("provingAtOnceMean", round(backlog.stream().mapToInt(OracleJobWatch.Backlog::runClaimsProving).average().orElse(0)));
        out.put("steadyBacklog", backlog.stream().allMatch(b -> b.runClaimsWaiting() > 0));
        out.put("emissionsClaims", "not measured");
        out.put("loadAverage", load.between(from, to));
        return out;
    }

    /** The first "commitment batcher round failed" line of the gateway's log and the one after it, if any. */
    private static String firstBatcherFailure(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("commitment batcher round failed")) {
                return lines.get(i) + (i + 1 < lines.size() ? " | " + lines.get(i + 1).trim() : "");
            }
        }
        return "none";
    }

    private static long count(MessageRows db, String sql, Instant from, Instant to) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long[] values(List<FreezeSample> samples, Function<FreezeSample, Long> f) {
        return samples.stream().map(f).filter(v -> v != null).mapToLong(Long::longValue).toArray();
    }

    private static long ms(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** n, min, p50, p90, p99 (nearest rank), max and mean of {@code values}. */
    static Map<String, Object> stats(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("n", sorted.length);
        if (sorted.length > 0) {
            s.put("min", sorted[0]);
            s.put("p50", percentile(sorted, 50));
            s.put("p90", percentile(sorted, 90));
            s.put("p99", percentile(sorted, 99));
            s.put("max", sorted[sorted.length - 1]);
            s.put("mean", Math.round(Arrays.stream(sorted).average().orElse(0)));
        }
        return s;
    }

    /** Nearest-rank percentile of a sorted array (as AlertLatencyBenchmark). */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstLine(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memory", firstLine(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("benchmarkJvm", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("note", "the machine may be shared with other work: read loadAverage for how busy it was");
        return m;
    }

    private static String firstLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII).stream().filter(l -> l.startsWith(prefix))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> r) {
        Map<String, Object> f = (Map<String, Object>) r.getOrDefault("freezeLatency", Map.of());
        Map<String, Object> b = (Map<String, Object>) r.getOrDefault("commitmentBatches", Map.of());
        Map<String, Object> c = (Map<String, Object>) r.getOrDefault("runClaims", Map.of());
        Map<String, Object> block = (Map<String, Object>) f.getOrDefault("toBlockTimeMs", Map.of());
        Map<String, Object> conf = (Map<String, Object>) f.getOrDefault("toConfirmedMs", Map.of());
        return String.format("oracle-bench: %s of %s excursions frozen; completing reading's arrival -> freeze block time p50 %s ms,"
                + " p99 %s ms; -> confirmed p50 %s ms, p99 %s ms | batches %s/s sealed, %s/s anchored at %s readings/s stored"
                + " (size %s) | run claims %s/min proved and sent, %s/min anchored (steady backlog %s) | load average %s",
                f.get("frozen"), f.get("excursions"), block.get("p50"), block.get("p99"), conf.get("p50"), conf.get("p99"),
                b.get("batchesSealedPerSecond"), b.get("batchesAnchoredPerSecond"), b.get("storedReadingsPerSecond"), b.get("batchSize"),
                c.get("provedAndSentPerMinute"), c.get("anchoredPerMinute"), c.get("steadyBacklog"), r.get("loadAverage"));
    }

    /** Samples {@code /proc/loadavg} (1-minute load average) every {@code interval} on a daemon thread. */
    static final class LoadSampler implements AutoCloseable {
        private final List<Map.Entry<Instant, Double>> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        private LoadSampler(Duration interval) {
            thread = new Thread(() -> {
                while (running) {
                    try {
                        String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim().split("\\s+");
                        synchronized (samples) {
                            samples.add(Map.entry(Instant.now(), Double.parseDouble(f[0])));
                        }
                        Thread.sleep(interval.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    } catch (IOException | RuntimeException e) {
                        return; // no /proc: no load average
                    }
                }
            }, "load-sampler");
            thread.setDaemon(true);
        }

        static LoadSampler start(Duration interval) {
            LoadSampler s = new LoadSampler(interval);
            s.thread.start();
            return s;
        }

        /** Mean, min and max of the 1-minute load average sampled in [from, to). */
        Map<String, Object> between(Instant from, Instant to) {
            double[] v;
            synchronized (samples) {
                v = samples.stream().filter(e -> !e.getKey().isBefore(from) && e.getKey().isBefore(to)).mapToDouble(Map.Entry::getValue)
                        .toArray();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samples", v.length);
            if (v.length > 0) {
                m.put("mean1m", round(Arrays.stream(v).average().orElse(0)));
                m.put("min1m", Arrays.stream(v).min().orElse(0));
                m.put("max1m", Arrays.stream(v).max().orElse(0));
            }
            return m;
        }

        Map<String, Object> summary() {
            return between(Instant.EPOCH, Instant.now().plusSeconds(1));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2_000);
        }
    }
}
