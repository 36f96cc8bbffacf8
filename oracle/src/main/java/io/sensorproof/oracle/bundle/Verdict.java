package io.sensorproof.oracle.bundle;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of checking a bundle offline: accepted (no reasons), rejected (every check that
 * failed, each naming the fields it concerns) or malformed (the bundle could not be read; one
 * reason). {@code description} is the claim in words, empty when the bundle is malformed.
 *
 * @param outcome the outcome
 * @param reasons why it was rejected or malformed, in check order
 * @param description the claims in words (one line each)
 */
public record Verdict(Outcome outcome, List<Reason> reasons, List<String> description) {
    /** Outcomes, with the exit status {@code verify-claim} uses for each. */
    public enum Outcome {
        /** Every check passed: exit 0. */
        ACCEPTED(0),
        /** At least one check failed: exit 1. */
        REJECTED(1),
        /** The bundle is not a readable bundle of a supported version: exit 2. */
        MALFORMED(2);

        private final int exitStatus;

        Outcome(int exitStatus) {
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    /**
     * One failed check.
     *
     * @param code stable reason code (e.g. {@code PROOF_REJECTED}, {@code BAD_SIGNATURE}, {@code RUN_TOO_SHORT})
     * @param fields JSON paths of the fields the failed check involves, the most specific first
     * @param message what failed, for a person
     */
    public record Reason(String code, List<String> fields, String message) {
        public Reason {
            Objects.requireNonNull(code);
            fields = List.copyOf(fields);
            Objects.requireNonNull(message);
        }

        /** True when this reason names {@code field}. */
        public boolean names(String field) {
            return fields.contains(field);
        }

        @Override
        public String toString() {
            return code + " " + fields + ": " + message;
        }
    }

    public Verdict {
        Objects.requireNonNull(outcome);
        reasons = List.copyOf(reasons);
        description = List.copyOf(description);
        if ((outcome == Outcome.ACCEPTED) != reasons.isEmpty()) {
            throw new IllegalArgumentException("accepted exactly when there is no reason");
        }
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
