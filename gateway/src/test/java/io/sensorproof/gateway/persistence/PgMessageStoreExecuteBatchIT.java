package io.sensorproof.gateway.persistence;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.MessageStore;
import java.time.Duration;

/** The same contract for the {@code executeBatch} shape that the benchmark compares with. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgMessageStoreExecuteBatchIT extends PgMessageStoreContract {
    private PgMessageStore store;

    @Override
    MessageStore store() {
        if (store == null) {
            store = new PgMessageStore(pool, Duration.ofSeconds(10), PgMessageStore.InsertShape.EXECUTE_BATCH);
        }
        return store;
    }
}
