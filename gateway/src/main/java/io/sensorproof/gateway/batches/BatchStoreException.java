package io.sensorproof.gateway.batches;

/** The database refused or failed a commitment-batch operation; nothing of it was committed. */
public final class BatchStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Stable code. */
    public static final String CODE = "BATCH_STORE_FAILED";

    public BatchStoreException(String operation, Throwable cause) {
        super(CODE + ": " + operation + ": " + cause.getMessage(), cause);
    }
}
