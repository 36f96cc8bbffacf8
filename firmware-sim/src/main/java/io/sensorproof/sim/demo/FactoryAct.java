package io.sensorproof.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.fleet.FleetRunner;
import io.sensorproof.sim.fleet.RunReport;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.EnrollingProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.scenario.Scenario;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The demo's factory act (issues 15 and 16): a cement kiln's stack sensor, enrolled for its factory, streams
 * its CO2e register through a real edge agent; halfway through the period a process change lowers its
 * emissions, and the sensor is silent for longer than maxGap. The act sets up what a verifier and an exchange
 * would (the gateway's emissions facility with the exchange named, a data grant, the CarbonCredit facility and
 * its period, the link), then follows the gateway's carbon loop through its REST API: the emissions claim
 * proven and counted on chain, the period closed with the outage charged at the substitute rate, the credits
 * minted once after the challenge window. It tells each step through the {@link Narrative} with the
 * exchange's dashboard page and the period's verification bundle.
 *
 * <p>Restartable: {@link #prepare} finds tenants, device enrollment (in the act's work directory), the
 * facility (by tenant and name) and its chain link; the exchange's key is kept in
 * {@code <workDir>/factory/state.properties} (the gateway shows a key once). {@link #play} on a facility
 * whose period is already minted only reports it, and follows a period still in flight instead of setting
 * another; so a second start or a second play never mints twice.
 *
 * <p>The period is set now and elapses in real time: see {@link FactoryPlan} for why it cannot lie in the
 * past. The gateway must run the prover and a short challenge window
 * ({@code SENSORPROOF_CHAIN_LOCAL_CHALLENGE_WINDOW}, fixed when the contracts are first deployed).
 */
public final class FactoryAct implements DemoAct {
    /** The act's name in the narrative. */
    public static final String NAME = "factory";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String REGISTER = "co2e-register";
    private static final int CLAIM_SLOTS = 32;

    private final FactoryPlan plan;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Prepared prepared;
    private Outcome outcome;

    /**
     * What {@link #prepare} found or created.
     *
     * @param facilityId the gateway's emissions facility
     * @param chainFacilityId its CarbonCredit facility
     * @param exchangeKey the exchange's API key
     * @param deviceSpki the stack sensor's public key (SPKI DER)
     */
    public record Prepared(long facilityId, long chainFacilityId, String exchangeKey, byte[] deviceSpki) {
    }

    /**
     * The outcome {@link #play} reached.
     *
     * @param periodId the CarbonCredit period
     * @param mintedNow false when the period was minted before this play (a resumed start)
     * @param credits the units minted
     * @param mintTransaction the mint's transaction hash
     * @param bundle the period's verification bundle (GET with the exchange's key)
     */
    public record Outcome(long periodId, boolean mintedNow, long credits, String mintTransaction, URI bundle) {
    }

    /** The act with the demo's plan. */
    public FactoryAct() {
        this(FactoryPlan.DEMO);
    }

    public FactoryAct(FactoryPlan plan) {
        this.plan = Objects.requireNonNull(plan, "plan");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The plan this act plays. */
    public FactoryPlan plan() {
        return plan;
    }

    /** What {@link #prepare} found or created; empty before it. */
    public Optional<Prepared> prepared() {
        return Optional.ofNullable(prepared);
    }

    /** What the last {@link #play} reached; empty before it ends. */
    public Optional<Outcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    @Override
    public void prepare(DemoContext context) throws Exception {
        Path dir = context.workDir().resolve("factory");
        Files.createDirectories(dir);
        URI base = context.gateway().apiBase();
        Api operator = new Api(base, context.operatorKey());
        operator.ensureTenant(plan.factoryTenant(), "Kiln factory", "factory");
        operator.ensureTenant(plan.exchangeTenant(), "Carbon exchange", "exchange");
        String exchangeKey = exchangeKey(operator, base, dir.resolve("state.properties"));

        DeviceProvisioner.Provisioned device;
        try {
            device = new EnrollingProvisioner(new GatewayClient(base, context.operatorKey()))
                    .provision(plan.factoryTenant(), plan.deviceId(), deviceDir(dir, plan.deviceId()));
        } catch (RuntimeException e) {
            throw new DemoStepFailed(Stage.ENROLLED.word(), plan.deviceId() + " could not be enrolled: " + e.getMessage());
        }
        context.narrative().say(NAME, Stage.ENROLLED, plan.deviceId() + " (CO2e register of a cement kiln's stack) enrolled for "
                + plan.factoryTenant() + " with a certificate from the gateway's device CA");
        operator.call("POST", "/api/v1/tenants/" + plan.factoryTenant() + "/grants", Map.of("grantee", plan.exchangeTenant(),
                "deviceIds", List.of(plan.deviceId()), "note", "emissions readings behind the credits"), 200, 201);

        JsonNode facility = findFacility(operator).orElse(null);
        if (facility == null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tenant", plan.factoryTenant());
            body.put("exchange", plan.exchangeTenant());
            body.put("name", plan.facilityName());
            body.put("deviceIds", List.of(plan.deviceId()));
            body.put("baselineKg", plan.baselineKg());
            body.put("calendar", "MONTHLY_UTC");
            body.put("maxGapMs", plan.maxGapMs());
            body.put("substituteRateKgPerHour", plan.substituteRateKgPerHour());
            facility = operator.call("POST", "/api/v1/emission-facilities", body, 201);
        }
        long facilityId = facility.path("id").asLong();
        long chainFacilityId;
        try (FactoryChain chain = new FactoryChain(context.chainRpc(), context.chainJson())) {
            chain.ensureRegistered(plan.deviceId(), device.key().verificationKey().spki());
            if (facility.hasNonNull("chainFacilityId")) {
                chainFacilityId = Long.parseLong(facility.get("chainFacilityId").asText());
            } else {
                chainFacilityId = chain.createFacility();
                operator.call("PUT", "/api/v1/emission-facilities/" + facilityId + "/chain-link", Map.of("chainFacilityId", chainFacilityId),
                        200);
            }
        }
        prepared = new Prepared(facilityId, chainFacilityId, exchangeKey, device.key().verificationKey().spki());
        context.narrative().say(NAME, Stage.STARTING, "emissions facility " + facilityId + " of " + plan.factoryTenant() + " linked to"
                + " CarbonCredit facility " + chainFacilityId + "; exchange " + plan.exchangeTenant() + " signs in with key " + exchangeKey);
        context.narrative().link("exchange's credits", base.resolve("/dashboard/#/credits"));
    }

    @Override
    public void play(DemoContext context) throws Exception {
        if (prepared == null) {
            throw new IllegalStateException("play before prepare");
        }
        outcome = null;
        URI base = context.gateway().apiBase();
        Api operator = new Api(base, context.operatorKey());
        String creditsPath = "/api/v1/emission-facilities/" + prepared.facilityId() + "/credits";
        Optional<JsonNode> earlier = lastPeriod(operator.call("GET", creditsPath, null, 200));
        if (earlier.isPresent() && "MINTED".equals(earlier.get().path("state").asText())) {
            outcome = minted(context, earlier.get(), false);
            return;
        }
        long periodId;
        if (earlier.isPresent() && !"VOIDED".equals(earlier.get().path("state").asText())) {
            periodId = earlier.get().path("periodId").asLong();
            context.narrative().say(NAME, Stage.STREAMING, "period " + periodId + " was set by an earlier start; following it");
        } else {
            periodId = streamPeriod(context);
        }
        outcome = follow(context, operator, creditsPath, periodId);
    }

    /** Sets a new period starting shortly and plays its readings; returns the period's id. */
    private long streamPeriod(DemoContext context) throws Exception {
        Narrative story = context.narrative();
        long start;
        long periodId;
        try (FactoryChain chain = new FactoryChain(context.chainRpc(), context.chainJson())) {
            start = chain.chainTime() + plan.lead().toSeconds();
            periodId = chain.setPeriod(prepared.chainFacilityId(), start, start + plan.period().toSeconds(), plan.deviceId(), plan);
        }
        Instant periodStart = Instant.ofEpochSecond(start);
        Instant periodEnd = periodStart.plus(plan.period());
        story.say(NAME, Stage.STARTING, "the verifier set period " + periodId + ": " + TIME.format(periodStart) + "–" + TIME.format(periodEnd)
                + " UTC, baseline " + plan.baselineKg() + " kg, maxGap " + plan.maxGapMs() / 1000 + " s, substitutes at "
                + plan.substituteRateKgPerHour() + " kg/h");
        Scenario scenario = plan.scenario(periodStart);
        Path dir = context.workDir().resolve("factory");
        GatewayClient client = new GatewayClient(context.gateway().apiBase(), context.operatorKey());
        FleetRunner runner = new FleetRunner(scenario, client, new EnrollingProvisioner(client), new FleetRunner.Options(
                FleetRunner.Mode.IN_JVM, dir.resolve("fleet"), context.gateway().mqttUrl(), Optional.empty(), 60_000, false, null,
                Optional.of(context.gateway().brokerCaFile())));
        long wait = periodStart.toEpochMilli() - System.currentTimeMillis();
        if (wait > 0) {
            // the readings' times are the period's: the run starts with it, not a test's pause
            Thread.sleep(wait);
        }
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "factory-act-fleet");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<RunReport> run = pool.submit(runner::run);
            watchReadings(story, client, periodStart, run);
            RunReport report = run.get();
            if (!report.totals().allDrained()) {
                throw new DemoStepFailed(Stage.STREAMING.word(), plan.deviceId() + " did not get every reading acknowledged: "
                        + report.deviceReports());
            }
        } finally {
            pool.shutdownNow();
        }
        List<GatewayClient.StoredReading> readings = registerReadings(client, periodStart);
        emissionsFell(story, readings, periodStart.plus(plan.processChangeAt()));
        return periodId;
    }

    /** Tells the stream as the gateway stores it: first reading, the outage when it begins and when it ends. */
    private void watchReadings(Narrative story, GatewayClient client, Instant periodStart, Future<RunReport> run) throws Exception {
        Instant lastSeen = null;
        boolean streaming = false;
        boolean silent = false;
        long deadline = System.nanoTime() + plan.period().plus(plan.stepTimeout()).toNanos();
        while (!run.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new DemoStepFailed(Stage.STREAMING.word(), "the simulation of " + plan.deviceId() + " did not end in time");
            }
            List<GatewayClient.StoredReading> readings = registerReadings(client, periodStart);
            if (!readings.isEmpty()) {
                GatewayClient.StoredReading last = readings.get(readings.size() - 1);
                if (!streaming) {
                    streaming = true;
                    story.say(NAME, Stage.STREAMING, plan.deviceId() + " streams its CO2e register every " + plan.tick().toSeconds()
                            + " s (first reading " + TIME.format(last.readingTime()) + ", " + kg(last.encodedValue()) + " kg)");
                } else if (silent && last.readingTime().isAfter(lastSeen)) {
                    silent = false;
                    long gap = last.readingTime().toEpochMilli() - lastSeen.toEpochMilli();
                    story.say(NAME, Stage.STREAMING, plan.deviceId() + " reports again after a " + gap / 1000 + " s gap (> maxGap "
                            + plan.maxGapMs() / 1000 + " s): charged at " + plan.substituteRateKgPerHour() + " kg/h");
                }
                lastSeen = last.readingTime();
                long quiet = System.currentTimeMillis() - lastSeen.toEpochMilli();
                if (!silent && quiet > plan.maxGapMs() && lastSeen.isBefore(periodStart.plus(plan.period()))) {
                    silent = true;
                    story.say(NAME, Stage.FAULT, String.format(Locale.ROOT, "sensor outage: no reading from %s since %s (%.1f s, more"
                            + " than maxGap %d s)", plan.deviceId(), TIME.format(lastSeen), quiet / 1000.0, plan.maxGapMs() / 1000));
                }
            }
            Thread.sleep(500);
        }
    }

    /** The drop after the process change, from the stored register: mean rate before and after it. */
    private void emissionsFell(Narrative story, List<GatewayClient.StoredReading> readings, Instant change) {
        Optional<GatewayClient.StoredReading> first = readings.stream().findFirst();
        Optional<GatewayClient.StoredReading> atChange = readings.stream().filter(r -> !r.readingTime().isAfter(change))
                .reduce((a, b) -> b);
        Optional<GatewayClient.StoredReading> last = readings.stream().reduce((a, b) -> b);
        if (first.isEmpty() || atChange.isEmpty() || last.isEmpty() || first.get() == atChange.get() || atChange.get() == last.get()) {
            throw new DemoStepFailed(Stage.STREAMING.word(), "too few stored readings of " + plan.deviceId() + " around the process"
                    + " change at " + TIME.format(change) + ": " + readings.size());
        }
        double before = rateKgPerHour(first.get(), atChange.get());
        double after = rateKgPerHour(atChange.get(), last.get());
        story.say(NAME, Stage.STREAMING, String.format(Locale.ROOT, "emissions fell after the process change at %s: %.0f kg/h"
                + " before, %.0f kg/h after (%d readings stored)", TIME.format(change), before, after, readings.size()));
    }

    private static double rateKgPerHour(GatewayClient.StoredReading from, GatewayClient.StoredReading to) {
        double hours = (to.readingTime().toEpochMilli() - from.readingTime().toEpochMilli()) / 3_600_000.0;
        return (to.encodedValue() - from.encodedValue()) / 1000.0 / hours;
    }

    /** Follows the period through the gateway's carbon loop to its mint. */
    private Outcome follow(DemoContext context, Api operator, String creditsPath, long periodId) throws Exception {
        Narrative story = context.narrative();
        GatewayClient client = new GatewayClient(context.gateway().apiBase(), context.operatorKey());
        JsonNode period = awaitPeriod(operator, creditsPath, periodId, Stage.PROVING, p -> true);
        Instant start = Instant.ofEpochSecond(period.path("detail").path("start").asLong());
        Instant end = Instant.ofEpochSecond(period.path("detail").path("end").asLong());
        int readings = claimedReadings(client.readings(plan.deviceId()), start, end).size();
        int claims = readings <= CLAIM_SLOTS ? 1 : 1 + (readings - CLAIM_SLOTS + CLAIM_SLOTS - 2) / (CLAIM_SLOTS - 1);
        story.say(NAME, Stage.PROVING, "period " + periodId + " ended at " + TIME.format(end) + "; the gateway proves " + readings
                + " readings of " + plan.deviceId() + " as " + claims + " emissions claim" + (claims == 1 ? "" : "s")
                + " (Groth16, ~12–40 s each)");
        period = awaitPeriod(operator, creditsPath, periodId, Stage.ANCHORED,
                p -> p.path("detail").path("claimCount").asInt() >= claims || !"OPEN".equals(p.path("state").asText()));
        story.say(NAME, Stage.ANCHORED, period.path("detail").path("claimCount").asInt() + "/" + claims + " claims proven, anchored in"
                + " AnchorRegistry and counted by CarbonCredit");
        period = awaitPeriod(operator, creditsPath, periodId, Stage.PERIOD_CLOSED, p -> !"OPEN".equals(p.path("state").asText()));
        JsonNode closed = period.path("detail").path("closed");
        story.say(NAME, Stage.PERIOD_CLOSED, "period " + periodId + " closed: measured " + kg(closed.path("massGrams").asLong())
                + " kg + substitutes " + kg(closed.path("substituteGrams").asLong()) + " kg for " + closed.path("chargedGapMs").asLong() / 1000.0
                + " s uncovered = " + kg(closed.path("emissionsGrams").asLong()) + " kg against a baseline of " + plan.baselineKg()
                + " kg; challenge window until " + TIME.format(Instant.ofEpochSecond(closed.path("windowEnd").asLong())));
        period = awaitPeriod(operator, creditsPath, periodId, Stage.MINTED, p -> !"CLOSED".equals(p.path("state").asText()));
        return minted(context, period, true);
    }

    private Outcome minted(DemoContext context, JsonNode period, boolean now) {
        if (!"MINTED".equals(period.path("state").asText())) {
            throw new DemoStepFailed(Stage.MINTED.word(), "period " + period.path("periodId").asText() + " is " + period.path("state").asText()
                    + ": " + period.path("detail"));
        }
        long periodId = period.path("periodId").asLong();
        JsonNode minted = period.path("detail").path("minted");
        long credits = minted.path("amount").asLong();
        String tx = minted.path("at").path("transactionHash").asText();
        URI base = context.gateway().apiBase();
        URI bundle = base.resolve("/api/v1/emission-facilities/" + prepared.facilityId() + "/periods/" + periodId + "/verification-bundle");
        context.narrative().say(NAME, Stage.MINTED, credits + " credits (1 unit = 1 kg below the baseline) minted for period " + periodId
                + " to " + minted.path("owner").asText() + (now ? "" : ", in an earlier start") + "; transaction " + tx);
        context.narrative().link("exchange's credits (sign in with the exchange key)", base.resolve("/dashboard/#/credits"));
        context.narrative().link("verification bundle (exchange key; check with verify-claim)", bundle);
        return new Outcome(periodId, now, credits, tx, bundle);
    }

    private JsonNode awaitPeriod(Api operator, String creditsPath, long periodId, Stage step, Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + plan.stepTimeout().toNanos();
        JsonNode seen = null;
        while (true) {
            for (JsonNode p : operator.call("GET", creditsPath, null, 200).path("periods")) {
                if (p.path("periodId").asLong() == periodId) {
                    seen = p;
                }
            }
            if (seen != null && "VOIDED".equals(seen.path("state").asText())) {
                throw new DemoStepFailed(step.word(), "period " + periodId + " was voided: " + seen.path("detail").path("voided"));
            }
            if (seen != null && done.test(seen)) {
                return seen;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoStepFailed(step.word(), "not reached within " + plan.stepTimeout() + "; period " + periodId + " as the"
                        + " chain shows it: " + (seen == null ? "not seen yet" : seen));
            }
            Thread.sleep(500);
        }
    }

    private static Optional<JsonNode> lastPeriod(JsonNode credits) {
        JsonNode last = null;
        for (JsonNode p : credits.path("periods")) {
            last = p;
        }
        return Optional.ofNullable(last);
    }

    /**
     * The register readings an emissions claim chain covers for the period {@code [start, end)}: from the first at or
     * after the start up to the first at or after the end (as the gateway's planner closes a device's chain), in time order.
     */
    public static List<GatewayClient.StoredReading> claimedReadings(List<GatewayClient.StoredReading> stored, Instant start, Instant end) {
        List<GatewayClient.StoredReading> out = new ArrayList<>();
        List<GatewayClient.StoredReading> sorted = stored.stream().filter(r -> r.quantity().equals(REGISTER) && !r.readingTime().isBefore(start))
                .sorted(Comparator.comparing(GatewayClient.StoredReading::readingTime)).toList();
        for (GatewayClient.StoredReading r : sorted) {
            out.add(r);
            if (!r.readingTime().isBefore(end)) {
                break;
            }
        }
        return out;
    }

    private List<GatewayClient.StoredReading> registerReadings(GatewayClient client, Instant from) {
        List<GatewayClient.StoredReading> out = new ArrayList<>();
        for (GatewayClient.StoredReading r : client.readings(plan.deviceId())) {
            if (r.quantity().equals(REGISTER) && !r.readingTime().isBefore(from)) {
                out.add(r);
            }
        }
        return out;
    }

    private Optional<JsonNode> findFacility(Api operator) throws Exception {
        String cursor = null;
        do {
            JsonNode page = operator.call("GET", "/api/v1/emission-facilities?limit=100" + (cursor == null ? "" : "&cursor="
                    + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8)), null, 200);
            for (JsonNode f : page.path("items")) {
                if (f.path("tenant").asText().equals(plan.factoryTenant()) && f.path("name").asText().equals(plan.facilityName())) {
                    return Optional.of(f);
                }
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return Optional.empty();
    }

    /** The exchange's key from the act's state file, or a new one (kept there) when absent or no longer accepted. */
    private String exchangeKey(Api operator, URI base, Path stateFile) throws Exception {
        Properties state = new Properties();
        if (Files.exists(stateFile)) {
            try (Reader r = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                state.load(r);
            }
        }
        String key = state.getProperty("exchangeKey");
        if (key != null && new Api(base, key).status("GET", "/api/v1/tenants/" + plan.exchangeTenant()) == 200) {
            return key;
        }
        key = operator.call("POST", "/api/v1/api-keys", Map.of("label", "demo exchange " + plan.exchangeTenant(), "role", "exchange",
                "tenant", plan.exchangeTenant()), 201).path("key").asText();
        state.setProperty("exchangeKey", key);
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            state.store(w, "the factory act's state (demo): the exchange's API key, shown by the gateway once");
        }
        Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /** Where FleetRunner keeps a device ({@code <fleet work dir>/devices/<id>}): its agent finds the enrollment made here. */
    private static Path deviceDir(Path actDir, String id) {
        return actDir.resolve("fleet").resolve("devices").resolve(id);
    }

    private static String kg(long grams) {
        return String.format(Locale.ROOT, "%.1f", grams / 1000.0);
    }

    /** The gateway's REST API with one key. */
    private final class Api {
        private final URI base;
        private final String key;

        Api(URI base, String key) {
            this.base = base;
            this.key = key;
        }

        void ensureTenant(String id, String name, String kind) throws Exception {
            HttpResponse<String> r = send("POST", "/api/v1/tenants", Map.of("id", id, "name", name, "kind", kind));
            if (r.statusCode() == 201) {
                return;
            }
            JsonNode existing = call("GET", "/api/v1/tenants/" + id, null, 200);
            if (r.statusCode() != 409 || !kind.equals(existing.path("kind").asText())) {
                throw new DemoStepFailed(Stage.STARTING.word(), "tenant " + id + " (" + kind + "): " + r.statusCode() + " " + r.body());
            }
        }

        int status(String method, String path) throws Exception {
            return send(method, path, null).statusCode();
        }

        JsonNode call(String method, String path, Object body, int... expected) throws Exception {
            HttpResponse<String> r = send(method, path, body);
            for (int e : expected) {
                if (r.statusCode() == e) {
                    return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
                }
            }
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }

        private HttpResponse<String> send(String method, String path, Object body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key);
            if (body != null) {
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
