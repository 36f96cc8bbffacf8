package io.sensorproof.sim.scenario;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The faults a scenario can inject; {@link #label()} is the name used in scenario files and summaries. */
public enum FaultType {
    /** The compressor stops for good (or for {@code duration}): the room warms slowly toward ambient. */
    COMPRESSOR_FAILURE(Kind.PROCESS),
    /** The sensor repeats its first reading of the window. */
    STUCK(Kind.SENSOR),
    /** The reading jumps by {@code delta} (default one tick). */
    SPIKE(Kind.SENSOR),
    /** The reading drifts by {@code delta} per hour since the fault began. */
    DRIFT(Kind.SENSOR),
    /** No readings at all in the window. */
    DROPOUT(Kind.SENSOR),
    /** The device clock runs {@code offset} off simulated time during the window. */
    CLOCK_SKEW(Kind.CLOCK),
    /** The device clock jumps by {@code offset} at {@code at} and stays there. */
    CLOCK_STEP(Kind.CLOCK),
    /** A genuine stored message with its payload altered and its signature kept, published on the device's topic. */
    TAMPERED(Kind.INJECTED),
    /** A stored message published again, byte for byte, on the device's topic or on {@code toDevice}'s. */
    REPLAY(Kind.INJECTED),
    /** A different content signed with the device's key under a stored (boot, seq). */
    CONFLICTING_DUPLICATE(Kind.INJECTED),
    /** Messages for the device signed by a fresh key it was never registered with (a replaced board, a cloned identity). */
    KEY_SWAP(Kind.INJECTED),
    /** The device's TCP path to the broker is cut (a proxy between agent and broker drops and refuses connections). */
    NETWORK_PARTITION(Kind.AGENT),
    /** The device loses power: its agent process is killed (SIGKILL) and restarted after {@code duration}. */
    POWER_LOSS(Kind.AGENT),
    /**
     * A legitimate re-key of an enrolled device: its network is cut at {@code at} (the agent keeps
     * signing with its key into the outbox); after {@code duration} the agent stops, gets a new key
     * certified with its renewal token (the edge agent's re-key), and restarts with it and a new
     * boot, sending the old key's backlog first.
     */
    REKEY(Kind.AGENT);

    /** Where a fault acts. */
    public enum Kind {
        /** the physical process */
        PROCESS,
        /** the measured value */
        SENSOR,
        /** the device clock */
        CLOCK,
        /** a message published by an attacker or a broken device beside the agent */
        INJECTED,
        /** the agent's process or its network */
        AGENT
    }

    private final Kind kind;

    FaultType(Kind kind) {
        this.kind = kind;
    }

    /** Where the fault acts. */
    public Kind kind() {
        return kind;
    }

    /** The name in scenario files: lower case with dashes, e.g. {@code compressor-failure}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The fault type with this label. */
    public static Optional<FaultType> byLabel(String label) {
        return Arrays.stream(values()).filter(t -> t.label().equals(label)).findFirst();
    }
}
