package io.sensorproof.gateway.chain;

/** The chain-event store could not read or write PostgreSQL (code {@value #CODE}); the step is rolled back. */
public final class ChainStoreException extends RuntimeException {
    /** Stable code. */
    public static final String CODE = "CHAIN_EVENT_STORE";

    public ChainStoreException(String message, Throwable cause) {
        super(CODE + ": " + message, cause);
    }
}
