package io.sensorproof.gateway.persistence;

/**
 * A database operation of an ingest port failed or timed out. The pipeline turns it into a
 * deferred outcome; nothing can be assumed committed (nor, after a timeout, not committed).
 */
public class PersistenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;

    public PersistenceException(String operation, Throwable cause) {
        super(operation + " failed: " + cause, cause);
        this.operation = operation;
    }

    /** What was attempted, e.g. {@code "store 12 messages"}. */
    public String operation() {
        return operation;
    }
}
