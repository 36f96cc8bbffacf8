package io.sensorproof.gateway.enroll;

/** The device CA key store or its password cannot be used; the message says what to fix. */
public class CaStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaStoreException(String message) {
        super(message);
    }

    public CaStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
