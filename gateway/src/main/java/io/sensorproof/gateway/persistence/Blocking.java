package io.sensorproof.gateway.persistence;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Waits for a reactive database call on the caller's (worker) thread. The ingest pipeline is plain
 * blocking Java on worker threads, never a Vert.x event loop, so blocking here is intended.
 */
final class Blocking {
    private Blocking() {
    }

    static <T> T await(Uni<T> uni, Duration timeout, String operation) {
        try {
            return uni.await().atMost(timeout);
        } catch (RuntimeException e) {
            throw new PersistenceException(operation, e);
        }
    }
}
