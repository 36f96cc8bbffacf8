package io.sensorproof.sim.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A simulation: the fleet (device groups), simulated time (start, duration, tick, speed) and the
 * fault timeline. Read from JSON by {@link ScenarioParser}; the format is documented in the
 * module's README.
 *
 * @param speed simulated milliseconds per wall millisecond; 0 = as fast as the devices go
 */
public record Scenario(String name, long seed, Instant start, Duration duration, Duration tick, double speed, String tenant,
        AgentSettings agent, List<DeviceSpec> devices, List<Fault> faults) {
    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(agent, "agent");
        devices = List.copyOf(devices);
        faults = List.copyOf(faults);
    }

    /** Number of ticks: readings are taken at start + tick, start + 2·tick, … up to start + duration. */
    public long ticks() {
        return duration.toMillis() / tick.toMillis();
    }

    /** Simulated time of tick {@code k} (1-based; tick 0 is the start). */
    public long tickMillis(long k) {
        return start.toEpochMilli() + k * tick.toMillis();
    }

    /** The device with this id. */
    public DeviceSpec device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + id + " in scenario " + name));
    }

    /** The faults that apply to {@code deviceId}. */
    public List<Fault> faultsOf(String deviceId) {
        List<Fault> result = new ArrayList<>();
        for (Fault f : faults) {
            if (f.targets(deviceId)) {
                result.add(f);
            }
        }
        return result;
    }

    /** The same scenario with other devices (same models and order) and tenant, e.g. for a second run. */
    public Scenario withIds(String tenantId, String devicePrefixSuffix) {
        List<DeviceSpec> renamed = devices.stream().map(d -> new DeviceSpec(d.id() + devicePrefixSuffix, d.index(), d.model())).toList();
        List<Fault> refaulted = faults.stream().map(f -> new Fault(f.type(), f.device().equals("*") ? "*" : f.device() + devicePrefixSuffix,
                f.at(), f.duration(), f.quantity(), f.delta(), f.offset(), f.count(), f.toDevice().map(t -> t + devicePrefixSuffix))).toList();
        return new Scenario(name, seed, start, duration, tick, speed, tenantId, agent, renamed, refaulted);
    }
}
