package io.sensorproof.gateway.core.rules;

import java.util.Objects;
import java.util.Optional;

/**
 * How and when an alert ended.
 *
 * @param reason why
 * @param timeMillis when: the time of the reading (or tick) that ended it, ms
 * @param key the reading that ended it, if a reading did
 * @param supersededBy for {@link ResolutionReason#SUPERSEDED}, the alert that replaces this one
 */
public record Resolution(ResolutionReason reason, long timeMillis, Optional<ReadingKey> key, Optional<AlertId> supersededBy) {
    public Resolution {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(supersededBy, "supersededBy");
        if (supersededBy.isPresent() != (reason == ResolutionReason.SUPERSEDED)) {
            throw new IllegalArgumentException("supersededBy is set exactly for SUPERSEDED");
        }
    }

    static Resolution of(ResolutionReason reason, long timeMillis, ReadingKey key) {
        return new Resolution(reason, timeMillis, Optional.ofNullable(key), Optional.empty());
    }
}
