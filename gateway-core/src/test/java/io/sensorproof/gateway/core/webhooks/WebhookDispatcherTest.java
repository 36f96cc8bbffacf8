package io.sensorproof.gateway.core.webhooks;

import io.sensorproof.gateway.core.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookDispatcher} on the {@link InMemoryWebhookOutbox} with a fake clock and fake senders:
 * retries with the same id, fairness between endpoints, failures that never stop the loop.
 */
class WebhookDispatcherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DeliveryPolicy POLICY = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), 0, 5,
            Duration.ofHours(1), Duration.ofSeconds(5));

    private final MutableClock clock = new MutableClock(Instant.now());
    private final InMemoryWebhookOutbox outbox = new InMemoryWebhookOutbox();

    private WebhookEndpoint endpoint(String id) {
        WebhookEndpoint e = new WebhookEndpoint(id, "bank-a", URI.create("https://" + id + ".example/hook"),
                List.of(WebhookSecret.generate(RANDOM, clock.instant().minusSeconds(3600))), true);
        outbox.save(e);
        return e;
    }

    private WebhookMessage message(String endpointId, String eventId) {
        return new WebhookMessage(endpointId, eventId, ("{\"event\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8),
                clock.instant());
    }

    private WebhookDispatcher direct(HttpSender sender, int maxInFlight) {
        return new WebhookDispatcher(outbox, sender, new WebhookSigner(), POLICY, clock, () -> 0.0, Runnable::run,
                maxInFlight);
    }

    private static Map<String, List<String>> listHeaders(Map<String, String> h) {
        return h.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    }

    @Test
    void retriesUntilDeliveredWithTheSameIdOnEveryAttempt() throws Exception {
        WebhookEndpoint ep = endpoint("ep-a");
        List<HttpSender.Request> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        HttpSender sender = r -> {
            seen.add(r);
            return new HttpSender.Response(calls.incrementAndGet() <= 3 ? 503 : 200, Optional.empty());
        };
        WebhookDispatcher dispatcher = direct(sender, 4);
        outbox.enqueue(message("ep-a", "evt-1"));

        assertThat(dispatcher.dispatchDue()).isEqualTo(1);
        for (long wait : new long[] {1, 2, 4}) {
            clock.advance(Duration.ofSeconds(wait).minusMillis(1));
            assertThat(dispatcher.dispatchDue()).as("not due before its backoff").isZero();
            clock.advance(Duration.ofMillis(1));
            assertThat(dispatcher.dispatchDue()).isEqualTo(1);
        }

        assertThat(seen).hasSize(4).allSatisfy(r -> assertThat(r.headers()).containsEntry("webhook-id", "evt-1"));
        assertThat(seen.stream().map(r -> r.headers().get("webhook-timestamp")).distinct()).as("fresh timestamp per attempt")
                .hasSize(4);
        Webhook receiver = new Webhook(ep.secrets().get(0).value());
        for (HttpSender.Request r : seen) {
            receiver.verify(new String(r.body(), StandardCharsets.UTF_8), listHeaders(r.headers()));
        }
        DeliveryStatus status = outbox.status("ep-a", "evt-1").orElseThrow();
        assertThat(status.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(status.attempts()).isEqualTo(4);
        assertThat(outbox.history("ep-a", 10)).extracting(DeliveryAttempt::attempt).containsExactly(4, 3, 2, 1);
        assertThat(outbox.history("ep-a", 10)).extracting(a -> a.status().getAsInt()).containsExactly(200, 503, 503, 503);
        assertThat(dispatcher.stats().delivered()).isEqualTo(1);
        assertThat(dispatcher.stats().retried()).isEqualTo(3);
    }

    @Test
    void aDeadEndpointDoesNotDelayAnotherEndpointsDelivery() {
        endpoint("ep-dead");
        endpoint("ep-live");
        for (int i = 0; i < 50; i++) {
            outbox.enqueue(message("ep-dead", "old-" + i));
        }
        clock.advance(Duration.ofSeconds(1));
        outbox.enqueue(message("ep-live", "evt-live"));
        List<String> sentTo = new ArrayList<>();
        HttpSender sender = r -> {
            sentTo.add(r.url().getHost());
            if (r.url().getHost().startsWith("ep-dead")) {
                throw new ConnectException("Connection refused");
            }
            return new HttpSender.Response(204, Optional.empty());
        };
        WebhookDispatcher dispatcher = direct(sender, 2);

        dispatcher.dispatchDue();

        assertThat(outbox.status("ep-live", "evt-live").orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(sentTo).containsExactlyInAnyOrder("ep-dead.example", "ep-live.example");
    }

    @Test
    void aHangingEndpointHoldsOneSlotAndAnotherIsDeliveredMeanwhile() throws Exception {
        endpoint("ep-slow");
        endpoint("ep-fast");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowCalls = new AtomicInteger();
        HttpSender sender = r -> {
            if (r.url().getHost().startsWith("ep-slow")) {
                slowCalls.incrementAndGet();
                release.await(30, TimeUnit.SECONDS);
                return new HttpSender.Response(200, Optional.empty());
            }
            return new HttpSender.Response(200, Optional.empty());
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        WebhookDispatcher dispatcher = new WebhookDispatcher(outbox, sender, new WebhookSigner(), POLICY, clock, () -> 0.0,
                pool, 2);
        try {
            outbox.enqueue(message("ep-slow", "s-1"));
            outbox.enqueue(message("ep-slow", "s-2"));
            dispatcher.start(Duration.ofMillis(20));
            await().atMost(Duration.ofSeconds(10)).until(() -> slowCalls.get() == 1);
            outbox.enqueue(message("ep-fast", "f-1"));
            dispatcher.wakeUp();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outbox.status("ep-fast", "f-1").orElseThrow().state() == DeliveryState.DELIVERED);
            assertThat(slowCalls).as("one in flight per endpoint").hasValue(1);
            release.countDown();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outbox.status("ep-slow", "s-2").orElseThrow().state() == DeliveryState.DELIVERED);
        } finally {
            release.countDown();
            dispatcher.close();
            pool.shutdownNow();
        }
    }

    @Test
    void aThrowingSenderIsAFailedAttemptAndTheLoopGoesOn() {
        endpoint("ep-a");
        AtomicInteger calls = new AtomicInteger();
        HttpSender sender = r -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("bug in a sender");
            }
            return new HttpSender.Response(200, Optional.empty());
        };
        WebhookDispatcher dispatcher = direct(sender, 1);
        outbox.enqueue(message("ep-a", "evt-1"));
        dispatcher.dispatchDue();
        DeliveryStatus afterFirst = outbox.status("ep-a", "evt-1").orElseThrow();
        assertThat(afterFirst.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(afterFirst.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("NETWORK").contains("bug in a sender"));
        clock.advance(Duration.ofSeconds(1));
        dispatcher.dispatchDue();
        assertThat(outbox.status("ep-a", "evt-1").orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void theLoopSurvivesAnOutboxThatThrows() {
        endpoint("ep-a");
        AtomicInteger claims = new AtomicInteger();
        WebhookOutbox flaky = new WebhookOutbox() {
            @Override
            public boolean enqueue(WebhookMessage m) {
                return outbox.enqueue(m);
            }

            @Override
            public List<ClaimedDelivery> claimDue(Instant now, int limit, Duration lease) {
                if (claims.incrementAndGet() <= 3) {
                    throw new IllegalStateException("database down");
                }
                return outbox.claimDue(now, limit, lease);
            }

            @Override
            public void recordAttempt(ClaimedDelivery c, AttemptResult r) {
                outbox.recordAttempt(c, r);
            }

            @Override
            public List<DeliveryAttempt> history(String endpointId, int limit) {
                return outbox.history(endpointId, limit);
            }

            @Override
            public Optional<DeliveryStatus> status(String endpointId, String eventId) {
                return outbox.status(endpointId, eventId);
            }

            @Override
            public boolean requeue(String endpointId, String eventId, Instant now) {
                return outbox.requeue(endpointId, eventId, now);
            }
        };
        flaky.enqueue(message("ep-a", "evt-1"));
        WebhookDispatcher dispatcher = new WebhookDispatcher(flaky, r -> new HttpSender.Response(200, Optional.empty()),
                new WebhookSigner(), POLICY, clock, () -> 0.0, Runnable::run, 1);
        try {
            dispatcher.start(Duration.ofMillis(10));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> outbox.status("ep-a", "evt-1").orElseThrow().state() == DeliveryState.DELIVERED);
            assertThat(dispatcher.stats().loopErrors()).isEqualTo(3);
        } finally {
            dispatcher.close();
        }
    }

    @Test
    void gone410DisablesTheEndpointAndOtherFinalStatusesEndTheDelivery() {
        endpoint("ep-gone");
        endpoint("ep-bad");
        outbox.enqueue(message("ep-gone", "g-1"));
        outbox.enqueue(message("ep-gone", "g-2"));
        outbox.enqueue(message("ep-bad", "b-1"));
        WebhookDispatcher dispatcher = direct(r -> new HttpSender.Response(r.url().getHost().startsWith("ep-gone") ? 410 : 400,
                Optional.empty()), 4);
        dispatcher.dispatchDue();
        dispatcher.dispatchDue();

        assertThat(outbox.status("ep-gone", "g-1").orElseThrow().state()).isEqualTo(DeliveryState.DEAD);
        assertThat(outbox.status("ep-gone", "g-2").orElseThrow().state()).as("waits for the endpoint to be enabled again")
                .isEqualTo(DeliveryState.PENDING);
        assertThat(outbox.endpoint("ep-gone").orElseThrow().enabled()).isFalse();
        DeliveryStatus bad = outbox.status("ep-bad", "b-1").orElseThrow();
        assertThat(bad.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(bad.lastStatus()).hasValue(400);
        assertThat(outbox.endpoint("ep-bad").orElseThrow().enabled()).isTrue();
        assertThat(outbox.requeue("ep-bad", "b-1", clock.instant())).isTrue();
        assertThat(outbox.status("ep-bad", "b-1").orElseThrow().state()).isEqualTo(DeliveryState.PENDING);
    }

    @Test
    void givesUpAfterMaxAttemptsWithTheLastError() {
        endpoint("ep-a");
        outbox.enqueue(message("ep-a", "evt-1"));
        WebhookDispatcher dispatcher = direct(r -> new HttpSender.Response(502, Optional.empty()), 1);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(1));
            dispatcher.dispatchDue();
        }
        DeliveryStatus s = outbox.status("ep-a", "evt-1").orElseThrow();
        assertThat(s.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(s.attempts()).isEqualTo(5);
        assertThat(s.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 502").contains("gave up after 5"));
        clock.advance(Duration.ofHours(1));
        assertThat(dispatcher.dispatchDue()).isZero();
    }

    @Test
    void aClaimHoldsItsEndpointUntilRecordedOrTheLeaseEnds() {
        endpoint("ep-a");
        outbox.enqueue(message("ep-a", "evt-1"));
        outbox.enqueue(message("ep-a", "evt-2"));
        List<ClaimedDelivery> first = outbox.claimDue(clock.instant(), 10, Duration.ofSeconds(30));
        assertThat(first).hasSize(1).first().extracting(c -> c.message().eventId()).isEqualTo("evt-1");
        assertThat(outbox.claimDue(clock.instant(), 10, Duration.ofSeconds(30))).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        List<ClaimedDelivery> again = outbox.claimDue(clock.instant(), 10, Duration.ofSeconds(30));
        assertThat(again).as("the lease ran out: the same delivery again").hasSize(1).first()
                .extracting(c -> c.message().eventId()).isEqualTo("evt-1");
        // the first, stale claim records late: it must not release the second claim's lease
        outbox.recordAttempt(first.get(0), new AttemptResult(clock.instant(), Duration.ZERO, java.util.OptionalInt.of(200),
                Optional.empty(), "", DeliveryState.DELIVERED, Optional.empty(), false));
        assertThat(outbox.claimDue(clock.instant(), 10, Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void enqueueOfTheSameEventTwiceIsOneDelivery() {
        endpoint("ep-a");
        assertThat(outbox.enqueue(message("ep-a", "evt-1"))).isTrue();
        assertThat(outbox.enqueue(message("ep-a", "evt-1"))).isFalse();
        assertThat(outbox.claimDue(clock.instant(), 10, Duration.ofSeconds(30))).hasSize(1);
    }
}
