package io.sensorproof.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.sim.demo.Narrative.Stage;
import io.sensorproof.sim.fleet.Injection;
import io.sensorproof.sim.fleet.Injector;
import io.sensorproof.sim.gateway.CollateralApi;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.scenario.AgentSettings;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.Scenario;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The tampered device (issue 16): a loading-dock sensor of warehouse B streams; then a tampered copy of one
 * of its stored messages (payload altered, signature kept: the simulator's {@code TAMPERED} fault, published
 * on the device's own topic as a man in the middle would) reaches the gateway, which refuses and quarantines
 * it. The narrative reads the quarantine entry back from {@code /api/v1/quarantine} and prints its stable
 * reason code.
 */
public final class TamperedDeviceAct implements DemoAct, AutoCloseable {
    public static final String TENANT = ColdRoomsAct.WAREHOUSE_B;
    public static final String DEVICE = "wh-b-dock-1";

    private LiveDevice device;
    private volatile String reason;

    @Override
    public String name() {
        return "tampered";
    }

    /** The reason code the gateway quarantined the tampered message with, once played. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public void prepare(DemoContext c) throws Exception {
        new CollateralApi(c.gateway().apiBase(), c.operatorKey()).ensureTenant(TENANT, "factory");
        device = LiveDevice.enroll(c, TENANT, DEVICE);
        JsonNode registered = new CollateralApi(c.gateway().apiBase(), c.operatorKey()).get("/api/v1/tenants/" + TENANT + "/devices/" + DEVICE);
        c.narrative().say(name(), Stage.ENROLLED, DEVICE + " of " + TENANT + " enrolled: status " + registered.path("status").asText());
    }

    @Override
    public void play(DemoContext c) throws Exception {
        Narrative n = c.narrative();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Scenario scenario = new Scenario("demo dock", 16, start, Duration.ofDays(3650), Duration.ofSeconds(1), 1.0, TENANT,
                new AgentSettings(10, 500, 3_000), List.of(new DeviceSpec(DEVICE, 3, ColdRoomsAct.DEMO_ROOM)), List.of());
        device.start(c, scenario);
        GatewayClient operator = new GatewayClient(c.gateway().apiBase(), c.operatorKey());
        GatewayClient.StoredMessage stored = Waits.until(n, name(), name(), "a stored message of " + DEVICE, () ->
                operator.messages(DEVICE).stream().filter(m -> !m.receivedAt().isBefore(start)).findFirst());
        n.say(name(), Stage.STREAMING, DEVICE + ": message (" + stored.boot() + ", " + stored.seq() + ") of " + stored.recordCount()
                + " readings stored");

        Instant before = Instant.now().minusSeconds(1);
        Fault tampered = new Fault(FaultType.TAMPERED, DEVICE, Duration.ZERO, Duration.ZERO, Optional.empty(), 0, Duration.ZERO, 1,
                Optional.empty());
        Injection injection;
        try (Injector injector = new Injector(c.gateway().mqttUrl(), Optional.of(c.gateway().brokerCaFile()), TENANT, operator,
                device.ackKeySpki(), id -> device.dataDir())) {
            injection = injector.inject(tampered, DEVICE, device.key(), 30_000).get(0);
        }
        n.say(name(), Stage.FAULT, "a tampered copy of message (" + injection.boot() + ", " + injection.seq() + ") published on "
                + injection.topic() + " (" + injection.note() + ")");
        GatewayClient.QuarantineEntry entry = Waits.until(n, name(), name(), "the gateway's verdict on the tampered message", () ->
                operator.quarantine(before).stream().filter(q -> DEVICE.equals(q.claimedDevice()) && q.boot() != null
                        && q.boot() == injection.boot() && q.seq() != null && q.seq() == injection.seq()).findFirst());
        long copies = operator.messages(DEVICE).stream().filter(m -> m.boot() == injection.boot() && m.seq() == injection.seq()).count();
        if (copies != 1) {
            throw new DemoStepFailed("refused", "message (" + injection.boot() + ", " + injection.seq() + ") of " + DEVICE + " is stored "
                    + copies + " times after the tampered copy");
        }
        reason = entry.reason();
        n.say(name(), Stage.REFUSED, "refused and quarantined (entry " + entry.id() + "): reason " + entry.reason()
                + (entry.authenticated() ? "" : ", not authenticated") + "; the stored message stands");
        n.link("quarantine (operator key)", c.gateway().apiBase().resolve("/api/v1/quarantine?reason=" + entry.reason()));
    }

    @Override
    public void close() throws IOException {
        if (device != null) {
            device.close();
        }
    }
}
