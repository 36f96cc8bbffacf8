package io.sensorproof.zk.poseidon;

import java.util.Objects;

/**
 * Inputs {@link Poseidon#hash} cannot hash, with a stable {@link PoseidonError}. An
 * {@link IllegalArgumentException}, as the refusal was before the code existed.
 */
public final class PoseidonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final PoseidonError error;

    public PoseidonException(PoseidonError error, String message) {
        super(error + ": " + message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public PoseidonError error() {
        return error;
    }
}
