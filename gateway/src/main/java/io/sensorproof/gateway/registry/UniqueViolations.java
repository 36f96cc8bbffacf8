package io.sensorproof.gateway.registry;

import io.vertx.pgclient.PgException;
import java.util.Optional;

/**
 * Recognises a PostgreSQL unique violation (SQLSTATE 23505) anywhere in a failure's cause chain, as
 * Hibernate Reactive may wrap the driver's exception. Used for the race between a duplicate check
 * and the insert; the checks themselves give the precise error in the usual case.
 */
final class UniqueViolations {
    private UniqueViolations() {
    }

    /** The violated constraint's name when {@code failure} is a unique violation. */
    static Optional<String> constraintOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return Optional.of(pg.getConstraint() == null ? "" : pg.getConstraint());
            }
        }
        return Optional.empty();
    }

    static boolean isUniqueViolation(Throwable failure) {
        return constraintOf(failure).isPresent();
    }
}
