package io.sensorproof.gateway.carbon;

import java.util.Objects;

/** A carbon-path operation that cannot proceed, with a stable code. */
public final class CarbonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable codes. */
    public enum Code {
        /** The chain could not be read (transport, or an unexpected answer); retried next round. */
        CHAIN_READ_FAILED,
        /** The CarbonCredit facility does not exist on chain. */
        CHAIN_FACILITY_NOT_FOUND,
        /** The CarbonCredit period does not exist on chain. */
        CHAIN_PERIOD_NOT_FOUND,
        /** A device of the chain facility's periods is not one of the gateway facility's devices. */
        CHAIN_FACILITY_DEVICES_MISMATCH
    }

    private final Code code;

    public CarbonException(Code code, String message) {
        this(code, message, null);
    }

    public CarbonException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
