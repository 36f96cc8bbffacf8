package io.sensorproof.gateway.collateral;

import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * How live SSE streams learn of new alert events, on every replica: one poller per replica reads the
 * highest {@code alert_events} id every {@value #POLL_MILLIS} ms while at least one stream is open and
 * broadcasts it; each stream then fetches its own tenant's events after its cursor. Polling the table
 * rather than LISTEN/NOTIFY: it needs no dedicated connection outside the pool, works with any writer
 * (another replica, a restore), cannot lose a notification across a reconnect, and costs one
 * index-only query per 200 ms per replica — a fifth of the 1 s latency goal.
 *
 * <p>The highest id is broadcast on every poll, not only when it changes, so a stream that dropped a
 * tick (it was busy sending) catches up on the next one. Subscribers must take ticks with
 * {@code onOverflow().drop()}: the broadcast then never waits for a slow client.
 */
@ApplicationScoped
public class AlertEventTicker {
    /** Poll period of the shared poller. */
    public static final long POLL_MILLIS = 200;
    private static final Logger LOG = Logger.getLogger(AlertEventTicker.class);

    private final Multi<Long> lastIds;

    AlertEventTicker(PgCollateralAlerts alerts) {
        this.lastIds = Multi.createFrom().ticks().every(Duration.ofMillis(POLL_MILLIS))
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> alerts.lastEventId()
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("alert event poll failed (next poll in %d ms): %s", POLL_MILLIS, failure.toString());
                            return -1L;
                        }))
                .filter(id -> id >= 0)
                .broadcast().withCancellationAfterLastSubscriberDeparture().toAllSubscribers();
    }

    /** The highest committed event id, every {@value #POLL_MILLIS} ms; hot, shared by all streams. */
    public Multi<Long> lastIds() {
        return lastIds;
    }
}
