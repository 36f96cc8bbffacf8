package io.sensorproof.sim.fleet;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Scenario;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One device in a process of its own (process mode): it follows the fleet's wall-clock schedule
 * (tick k at {@code wallEpoch + k·tick/speed}), starts at the first tick not yet due when (re)started
 * after a power loss, seals and makes durable each tick's readings before taking the next
 * ({@code flush()}), and appends them to {@code durable-readings.csv} once durable. At the end it
 * waits for acknowledgements and writes its counters to {@code result.properties}.
 */
public final class DeviceRunner {
    /** Trace of readings made durable, one {@link ReadingKey#toLine()} per line. */
    public static final String TRACE_FILE = "durable-readings.csv";
    /** The counters at the end of a run. */
    public static final String RESULT_FILE = "result.properties";

    private DeviceRunner() {
    }

    /**
     * Runs the device to the scenario's end.
     *
     * @return 0 when drained, 3 when acknowledgements were still missing after {@code drainMillis}
     */
    public static int run(Scenario scenario, String deviceId, Path dataDir, String mqttUrl, Optional<Path> mqttCaFile, byte[] ackKeySpki,
            long wallEpochMillis, long drainMillis) throws IOException, InterruptedException {
        if (scenario.speed() <= 0) {
            throw new IllegalArgumentException("process mode needs a positive speed");
        }
        DeviceSpec spec = scenario.device(deviceId);
        DeviceSimulation simulation = new DeviceSimulation(scenario, spec);
        SigningKey key = Agents.deviceKey(dataDir);
        AgentConfig config = Agents.config(scenario.tenant(), deviceId, dataDir, mqttUrl, mqttCaFile, ackKeySpki, scenario.agent());
        long first = firstDueTick(scenario, wallEpochMillis, System.currentTimeMillis());
        simulation.skipTo(first);
        SimulatedClock clock = new SimulatedClock(simulation.deviceTimeMillis(Math.max(0, first - 1)));
        long refused = 0;
        try (EdgeAgent agent = Agents.start(config, key, ackKeySpki, clock);
                Writer trace = new BufferedWriter(Files.newBufferedWriter(dataDir.resolve(TRACE_FILE), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            for (long k = first; k <= scenario.ticks(); k++) {
                sleepUntil(wallTime(scenario, wallEpochMillis, k));
                List<Reading> readings = simulation.tick(k);
                clock.set(simulation.deviceTimeMillis(k));
                List<Reading> taken = new ArrayList<>();
                for (Reading r : readings) {
                    try {
                        agent.submit(r);
                        taken.add(r);
                    } catch (ProtocolException e) {
                        refused++;
                    }
                }
                agent.flush();
                for (Reading r : taken) {
                    trace.write(ReadingKey.of(r).toLine());
                    trace.write('\n');
                }
                trace.flush();
            }
            boolean drained = agent.awaitDrained(Duration.ofMillis(drainMillis));
            Map<String, Long> counters = new TreeMap<>(agent.describe());
            counters.put("readings_refused_by_agent", refused);
            counters.put("drained", drained ? 1L : 0L);
            writeResult(dataDir, counters);
            return drained ? 0 : 3;
        }
    }

    /** The first tick whose wall time has not passed yet (at least 1). */
    static long firstDueTick(Scenario scenario, long wallEpochMillis, long nowMillis) {
        long k = 1;
        while (k <= scenario.ticks() && wallTime(scenario, wallEpochMillis, k) < nowMillis) {
            k++;
        }
        return k;
    }

    /** Wall time at which tick {@code k} is due. */
    static long wallTime(Scenario scenario, long wallEpochMillis, long k) {
        return wallEpochMillis + (long) Math.ceil(k * scenario.tick().toMillis() / scenario.speed());
    }

    static void sleepUntil(long wallMillis) throws InterruptedException {
        long wait = wallMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static void writeResult(Path dataDir, Map<String, Long> counters) throws IOException {
        Properties p = new Properties();
        counters.forEach((k, v) -> p.setProperty(k, Long.toString(v)));
        Path file = dataDir.resolve(RESULT_FILE);
        Path tmp = dataDir.resolve(RESULT_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "device result");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
