package io.sensorproof.agent.enroll;

import java.io.IOException;

/** The gateway refused an enrollment request; {@link #code()} is its stable error code (e.g. TOKEN_EXPIRED). */
public class EnrollmentRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public EnrollmentRefusedException(int status, String code, String message) {
        super("enrollment refused: HTTP " + status + " " + code + ": " + message);
        this.status = status;
        this.code = code;
    }

    /** HTTP status. */
    public int status() {
        return status;
    }

    /** The gateway's error code. */
    public String code() {
        return code;
    }
}
