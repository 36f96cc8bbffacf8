package io.sensorproof.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.gateway.CollateralApi;
import io.sensorproof.sim.model.ColdRoomModel;
import io.sensorproof.sim.scenario.AgentSettings;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.ModelSpec;
import io.sensorproof.sim.scenario.Scenario;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cold rooms (issue 16): two warehouses pledge their cold rooms to two banks. Each bank gets an API key
 * (printed, to sign in to the dashboard), sets its lot's terms (2–8 °C; frozen after {@value #MIN_DURATION_S} s
 * above 8 °C), proposes the same terms on chain as a {@code CollateralFinancing} facility, which the
 * warehouse accepts, and links it to the lot. Then warehouse A's compressor fails: the narrative follows the
 * gateway's REST API through alert, proving, anchored and frozen (with the freeze transaction, the lot's
 * dashboard page and the evidence bundle), while bank B's lot stays active. A short sensor outage on one of
 * warehouse B's rooms shows as a gap in its stored readings.
 *
 * <p>The rooms are small and badly insulated on purpose ({@link #DEMO_ROOM}): a failed compressor takes them
 * above 8 °C within seconds, so the whole story runs in real time, with readings stamped by the wall clock.
 */
public final class ColdRoomsAct implements DemoAct, AutoCloseable {
    /** The bank of warehouse A's lot, whose facility freezes. */
    public static final String BANK_A = "bank-a";
    /** The bank of warehouse B's lot, which stays active. */
    public static final String BANK_B = "bank-b";
    public static final String WAREHOUSE_A = "warehouse-a";
    public static final String WAREHOUSE_B = "warehouse-b";
    /** Warehouse A's room whose compressor fails. */
    public static final String FAILING_ROOM = "wh-a-room-1";
    public static final String ROOM_B1 = "wh-b-room-1";
    /** Warehouse B's room whose sensor drops out for a while. */
    public static final String DROPOUT_ROOM = "wh-b-room-2";
    /** Development accounts: bank A has BANK_ROLE from the deployment, bank B gets it here; the warehouses borrow. */
    public static final int BANK_A_ACCOUNT = LocalDeployment.BANK_ACCOUNT;
    public static final int BANK_B_ACCOUNT = DemoChain.SECOND_BANK_ACCOUNT;
    public static final int WAREHOUSE_A_ACCOUNT = 5;
    public static final int WAREHOUSE_B_ACCOUNT = 7;

    static final long MIN_DURATION_S = 15;
    private static final long FAILURE_AT_S = 3;
    private static final long DROPOUT_AT_S = 5;
    private static final long DROPOUT_S = 15;
    /** 2 °C and 8 °C in centi-kelvin (protocol §7.2). */
    private static final long LO = 27_515;
    private static final long HI = 28_115;
    private static final CollateralApi.Watch TERMS = new CollateralApi.Watch("temperature", LO, HI, MIN_DURATION_S * 1000, 1_500, 1_000,
            600_000, 1);
    /** A small room at 4 °C in an 18 °C hall that leaks fast (time constant 30 s): no doors, no defrost. */
    static final ModelSpec DEMO_ROOM = new ModelSpec.ColdRoom(new ColdRoomModel.Parameters(4.0, 1.0, 18.0, 120.0, 3000.0, 0.0, 0.0, 20.0));

    private final List<LiveDevice> devices = new ArrayList<>();
    private final Map<String, Long> lots = new LinkedHashMap<>();
    private final Map<String, BigInteger> facilities = new LinkedHashMap<>();
    private final Map<String, CollateralApi> banks = new LinkedHashMap<>();
    private DemoChain chain;

    @Override
    public String name() {
        return "cold rooms";
    }

    /** The lot of {@code bank} ({@link #BANK_A} or {@link #BANK_B}), once prepared. */
    public long lot(String bank) {
        return lots.get(bank);
    }

    /** The on-chain facility linked to {@code bank}'s lot, once prepared. */
    public BigInteger facility(String bank) {
        return facilities.get(bank);
    }

    /** The API of {@code bank} with its key, once prepared. */
    public CollateralApi bank(String bank) {
        return banks.get(bank);
    }

    @Override
    public void prepare(DemoContext c) throws Exception {
        Narrative n = c.narrative();
        DemoState state = DemoState.in(c.workDir());
        CollateralApi operator = new CollateralApi(c.gateway().apiBase(), c.operatorKey());
        chain = new DemoChain(c.chainRpc(), c.chainJson());
        for (String bank : List.of(BANK_A, BANK_B)) {
            operator.ensureTenant(bank, "bank");
        }
        for (String warehouse : List.of(WAREHOUSE_A, WAREHOUSE_B)) {
            operator.ensureTenant(warehouse, "factory");
            operator.ensureSite(warehouse, "cold-store");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (String tenant : List.of(BANK_A, BANK_B, WAREHOUSE_A, WAREHOUSE_B)) {
            String role = tenant.startsWith("bank") ? "bank" : "factory";
            String key = state.get("key." + tenant).orElse(null);
            if (key == null) {
                key = operator.createKey(role, tenant);
                state.put("key." + tenant, key);
            }
            keys.put(tenant, key);
        }
        for (Map.Entry<String, String> k : keys.entrySet()) {
            n.say(k.getKey(), Stage.STARTING, "signs in to the dashboard with API key " + k.getValue());
        }
        banks.put(BANK_A, operator.as(keys.get(BANK_A)));
        banks.put(BANK_B, operator.as(keys.get(BANK_B)));

        for (String[] d : List.of(new String[] {WAREHOUSE_A, FAILING_ROOM}, new String[] {WAREHOUSE_B, ROOM_B1},
                new String[] {WAREHOUSE_B, DROPOUT_ROOM})) {
            LiveDevice device = LiveDevice.enroll(c, d[0], d[1]);
            devices.add(device);
            JsonNode registered = operator.get("/api/v1/tenants/" + d[0] + "/devices/" + d[1]);
            n.say(d[0], Stage.ENROLLED, d[1] + " enrolled: status " + registered.path("status").asText() + ", key "
                    + registered.path("kid").asText());
        }

        pledge(c, state, operator.as(keys.get(WAREHOUSE_A)), WAREHOUSE_A, BANK_A, List.of(FAILING_ROOM), BANK_A_ACCOUNT, WAREHOUSE_A_ACCOUNT);
        pledge(c, state, operator.as(keys.get(WAREHOUSE_B)), WAREHOUSE_B, BANK_B, List.of(ROOM_B1, DROPOUT_ROOM), BANK_B_ACCOUNT,
                WAREHOUSE_B_ACCOUNT);
    }

    /** The lot, its terms, the facility on chain (proposed by the bank, accepted by the warehouse) and the link. */
    private void pledge(DemoContext c, DemoState state, CollateralApi warehouse, String tenant, String bank, List<String> rooms,
            int bankAccount, int borrowerAccount) throws Exception {
        Narrative n = c.narrative();
        CollateralApi bankApi = banks.get(bank);
        long lot = state.get("lot." + bank).map(Long::parseLong).orElse(-1L);
        if (lot < 0) {
            lot = warehouse.createLot(tenant, "cold-store", bank, "goods in " + String.join(", ", rooms), rooms);
            state.put("lot." + bank, Long.toString(lot));
        }
        lots.put(bank, lot);
        if (bankApi.lot(lot).path("termsVersion").asInt() == 0) {
            bankApi.setTerms(lot, List.of(TERMS));
        }
        JsonNode terms = bankApi.lot(lot).path("terms").path(0);
        n.say(bank, Stage.ENROLLED, "lot " + lot + " (" + String.join(", ", rooms) + " of " + tenant + ") pledged, terms "
                + terms.path("quantity").asText() + " in [2, 8] °C, frozen after " + terms.path("minDurationMs").asLong() / 1000 + " s out");

        for (String room : rooms) {
            Waits.until(n, name(), bank, "the gateway registers " + room + " on chain", () -> chain.deviceRegistered(room)
                    ? Optional.of(true) : Optional.empty());
        }
        BigInteger facility = state.get("facility." + bank).map(BigInteger::new).orElse(null);
        if (facility == null) {
            if (bankAccount != LocalDeployment.BANK_ACCOUNT) {
                chain.ensureBank(bankAccount);
            }
            facility = chain.proposeFacility(bankAccount, borrowerAccount, rooms, List.of(TERMS), 1_000_000);
            state.put("facility." + bank, facility.toString());
        }
        facilities.put(bank, facility);
        CollateralFinancing.FacilityView onChain = chain.facility(facility);
        if (onChain.state.intValue() == 1) {
            chain.accept(borrowerAccount, facility);
        }
        JsonNode linked = bankApi.linkFacility(lot, facility.toString());
        n.say(bank, Stage.ENROLLED, "facility " + linked.path("chainFacilityId").asText() + " proposed by the bank ("
                + DemoChain.address(bankAccount) + "), accepted by " + tenant + " on chain and linked to lot " + lot);
        n.link("lot " + lot, lotPage(c, lot));
    }

    @Override
    public void play(DemoContext c) throws Exception {
        Narrative n = c.narrative();
        CollateralApi operator = new CollateralApi(c.gateway().apiBase(), c.operatorKey());
        CollateralApi bankA = banks.get(BANK_A);
        long lotA = lots.get(BANK_A);
        boolean frozenBefore = "FROZEN".equals(bankA.lot(lotA).path("chain").path("state").asText());
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = scenario(start, !frozenBefore);
        for (LiveDevice d : devices) {
            d.start(c, scenario);
        }
        for (LiveDevice d : devices) {
            JsonNode first = Waits.until(n, name(), name(), "first reading of " + d.id() + " stored", () ->
                    operator.readings(d.id(), "temperature", start).stream().findFirst());
            n.say(tenantOf(d.id()), Stage.STREAMING, d.id() + ": " + celsius(first.path("encodedValue").asLong()) + " °C at "
                    + first.path("readingTime").asText() + " (signed by the device, stored by the gateway)");
        }

        if (frozenBefore) {
            JsonNode freeze = bankA.freezes(lotA).stream().filter(f -> "FROZEN".equals(f.path("state").asText())).reduce((a, b) -> b)
                    .orElseThrow(() -> new DemoStepFailed("frozen", "lot " + lotA + " is frozen on chain, but not by a freeze of the gateway"));
            n.say(BANK_A, Stage.FROZEN, "lot " + lotA + " was frozen at an earlier start: transaction " + freeze.path("transaction").asText()
                    + " (the bank may unfreeze it on chain; the compressor stays healthy this time)");
            links(c, lotA, freeze);
        } else {
            excursion(c, start, lotA);
        }
        outage(c, operator, start);
        stillActive(c);
    }

    /** Compressor failure on warehouse A's room: alert, proving, anchored, frozen, each read back. */
    private void excursion(DemoContext c, Instant start, long lotA) throws Exception {
        Narrative n = c.narrative();
        CollateralApi bankA = banks.get(BANK_A);
        Instant failure = start.plusSeconds(FAILURE_AT_S);
        Waits.until(n, name(), WAREHOUSE_A, "the compressor failure at " + failure, () ->
                Instant.now().isBefore(failure) ? Optional.empty() : Optional.of(true));
        n.say(WAREHOUSE_A, Stage.FAULT, "the compressor of " + FAILING_ROOM + " fails (simulated): the room warms toward 18 °C");

        JsonNode alert = Waits.until(n, name(), BANK_A, "a collateral alert on lot " + lotA, () -> bankA.alerts().stream()
                .filter(a -> a.path("lotId").asLong() == lotA && "THRESHOLD".equals(a.path("rule").asText())
                        && !Instant.parse(a.path("firstOutOfRangeAt").asText()).isBefore(start))
                .findFirst());
        n.say(BANK_A, Stage.ALERT, "alert " + alert.path("id").asLong() + " " + alert.path("state").asText() + ": " + FAILING_ROOM
                + " above 8 °C since " + alert.path("firstOutOfRangeAt").asText());

        // the freeze loop proves runs of linked lots whose facility the chain says is active (ADR 030): say so only then
        JsonNode linked = bankA.lot(lotA);
        if (linked.path("chainFacilityId").isNull() || !"ACTIVE".equals(linked.path("chain").path("state").asText())) {
            throw new DemoStepFailed("proving", "lot " + lotA + " is not linked to an active facility (chainFacilityId "
                    + linked.path("chainFacilityId") + ", chain state " + linked.path("chain").path("state") + "): nothing will be proven");
        }
        n.say(BANK_A, Stage.PROVING, "the gateway proves the excursion's run claims as its chunks fill (facility "
                + linked.path("chainFacilityId").asText() + " is active; " + MIN_DURATION_S + " s out of range freeze it)");
        JsonNode recorded = Waits.until(n, name(), BANK_A, "proving: run claims for lot " + lotA, () -> bankA.freezes(lotA).stream()
                .findFirst());
        List<String> claimIds = new ArrayList<>();
        recorded.path("runs").forEach(run -> run.forEach(id -> claimIds.add(id.asText())));
        List<AnchorRegistry.RunClaim> anchored = Waits.until(n, name(), BANK_A, "the run claims anchored on AnchorRegistry", () -> {
            List<AnchorRegistry.RunClaim> found = new ArrayList<>();
            for (String id : claimIds) {
                Optional<AnchorRegistry.RunClaim> claim = chain.anchoredRunClaim(id);
                if (claim.isEmpty()) {
                    return Optional.empty();
                }
                found.add(claim.get());
            }
            return Optional.of(found);
        });
        long readings = anchored.stream().mapToLong(r -> r.count.longValueExact()).sum();
        n.say(BANK_A, Stage.ANCHORED, claimIds.size() + " run claim(s) proven and anchored on AnchorRegistry (read back: " + readings
                + " readings out of range from " + Instant.ofEpochMilli(anchored.get(0).firstTime.longValueExact()) + " to "
                + Instant.ofEpochMilli(anchored.get(anchored.size() - 1).lastTime.longValueExact()) + "); freeze "
                + recorded.path("id").asLong() + " of facility " + recorded.path("chainFacilityId").asText() + " sent");

        long freezeId = recorded.path("id").asLong();
        JsonNode freeze = Waits.until(n, name(), BANK_A, "freeze " + freezeId + " confirmed on chain", () -> bankA.freezes(lotA).stream()
                .filter(f -> f.path("id").asLong() == freezeId && !"SUBMITTED".equals(f.path("state").asText())).findFirst());
        if (!"FROZEN".equals(freeze.path("state").asText())) {
            throw new DemoStepFailed("frozen", "freeze " + freezeId + " of lot " + lotA + " is " + freeze.path("state").asText() + " ("
                    + freeze.path("failureCode").asText() + ")");
        }
        JsonNode lot = Waits.until(n, name(), BANK_A, "lot " + lotA + " shown frozen (chain events)", () -> {
            JsonNode l = bankA.lot(lotA);
            return "FROZEN".equals(l.path("chain").path("state").asText()) ? Optional.of(l) : Optional.empty();
        });
        n.say(BANK_A, Stage.FROZEN, "facility " + lot.path("chainFacilityId").asText() + " frozen on chain: transaction "
                + freeze.path("transaction").asText() + " in block " + freeze.path("block").asLong());
        links(c, lotA, freeze);
    }

    private void links(DemoContext c, long lot, JsonNode freeze) {
        String bundle = "/api/v1/lots/" + lot + "/freezes/" + freeze.path("id").asLong() + "/evidence-bundle";
        int status = banks.get(BANK_A).status(bundle);
        if (status != 200) {
            throw new DemoStepFailed("frozen", "the evidence bundle " + bundle + " answered " + status + " to bank A");
        }
        c.narrative().link("lot " + lot + " (bank A's key)", lotPage(c, lot));
        c.narrative().link("evidence bundle (bank A's key; check it with verify-claim)", c.gateway().apiBase().resolve(bundle));
    }

    /** The sensor outage on warehouse B's room, read back as the gap in its stored readings. */
    private void outage(DemoContext c, CollateralApi operator, Instant start) throws Exception {
        Narrative n = c.narrative();
        Instant from = start.plusSeconds(DROPOUT_AT_S);
        Instant to = from.plusSeconds(DROPOUT_S);
        Waits.until(n, name(), WAREHOUSE_B, "the end of " + DROPOUT_ROOM + "'s sensor outage", () ->
                operator.readings(DROPOUT_ROOM, "temperature", to).stream().findFirst());
        List<JsonNode> around = operator.readings(DROPOUT_ROOM, "temperature", from.minusSeconds(5)).stream()
                .filter(r -> Instant.parse(r.path("readingTime").asText()).isBefore(to.plusSeconds(5))).toList();
        Instant gapStart = null;
        Duration gap = Duration.ZERO;
        for (int i = 1; i < around.size(); i++) {
            Instant a = Instant.parse(around.get(i - 1).path("readingTime").asText());
            Duration d = Duration.between(a, Instant.parse(around.get(i).path("readingTime").asText()));
            if (d.compareTo(gap) > 0) {
                gap = d;
                gapStart = a;
            }
        }
        if (gapStart == null || gap.toSeconds() < DROPOUT_S - 1) {
            throw new DemoStepFailed("sensor outage", DROPOUT_ROOM + "'s stored readings show no gap of " + DROPOUT_S + " s around " + from
                    + " (largest " + gap.toSeconds() + " s)");
        }
        n.say(WAREHOUSE_B, Stage.FAULT, DROPOUT_ROOM + "'s sensor was out: no reading stored from " + gapStart + " for " + gap.toSeconds()
                + " s (a gap in lot " + lots.get(BANK_B) + "'s chart)");
    }

    /** Bank B's lot: active on chain, no freeze; its alerts (the outage's gap) are told, not hidden. */
    private void stillActive(DemoContext c) throws Exception {
        CollateralApi bankB = banks.get(BANK_B);
        long lotB = lots.get(BANK_B);
        JsonNode lot = bankB.lot(lotB);
        String state = lot.path("chain").path("state").asText();
        List<JsonNode> freezes = bankB.freezes(lotB);
        boolean frozenOnChain = chain.facility(facilities.get(BANK_B)).frozen;
        if (!"ACTIVE".equals(state) || !freezes.isEmpty() || frozenOnChain) {
            throw new DemoStepFailed("bank B stays active", "lot " + lotB + " is " + state + " with " + freezes.size()
                    + " freeze(s), frozen on chain: " + frozenOnChain);
        }
        Map<String, Long> alerts = new LinkedHashMap<>();
        bankB.alerts().stream().filter(a -> a.path("lotId").asLong() == lotB)
                .forEach(a -> alerts.merge(a.path("rule").asText(), 1L, Long::sum));
        c.narrative().say(BANK_B, Stage.DONE, "lot " + lotB + " stays active: chain state " + state + ", no freeze, facility "
                + facilities.get(BANK_B) + " not frozen on chain; alerts " + (alerts.isEmpty() ? "none" : alerts));
    }

    private Scenario scenario(Instant start, boolean compressorFails) {
        List<DeviceSpec> specs = List.of(new DeviceSpec(FAILING_ROOM, 0, DEMO_ROOM), new DeviceSpec(ROOM_B1, 1, DEMO_ROOM),
                new DeviceSpec(DROPOUT_ROOM, 2, DEMO_ROOM));
        List<Fault> faults = new ArrayList<>();
        if (compressorFails) {
            faults.add(new Fault(FaultType.COMPRESSOR_FAILURE, FAILING_ROOM, Duration.ofSeconds(FAILURE_AT_S), Duration.ZERO, Optional.empty(),
                    0, Duration.ZERO, 1, Optional.empty()));
        }
        faults.add(new Fault(FaultType.DROPOUT, DROPOUT_ROOM, Duration.ofSeconds(DROPOUT_AT_S), Duration.ofSeconds(DROPOUT_S),
                Optional.empty(), 0, Duration.ZERO, 1, Optional.empty()));
        // packs sealed after half a second: the freeze path sees readings as they happen
        return new Scenario("demo cold rooms", 16, start, Duration.ofDays(3650), Duration.ofSeconds(1), 1.0, WAREHOUSE_A,
                new AgentSettings(10, 500, 3_000), specs, faults);
    }

    private static String tenantOf(String device) {
        return device.startsWith("wh-a") ? WAREHOUSE_A : WAREHOUSE_B;
    }

    private static URI lotPage(DemoContext c, long lot) {
        return c.gateway().apiBase().resolve("/dashboard/#/lots/" + lot);
    }

    static String celsius(long centiKelvin) {
        return String.format(Locale.ROOT, "%.2f", (centiKelvin - 27_315) / 100.0);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (LiveDevice d : devices) {
            try {
                d.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (chain != null) {
            chain.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
