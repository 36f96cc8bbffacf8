package io.sensorproof.gateway.core.webhooks;

import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The delivery loop: claims due deliveries from the {@link WebhookOutbox}, signs each attempt
 * ({@link WebhookSigner}), sends it through the {@link HttpSender} on its own worker threads, and
 * records the outcome with the next attempt time from the {@link DeliveryPolicy}.
 *
 * <p>It never blocks ingestion (its own threads; enqueuing is the writer's transaction) and it
 * survives every failure: a sender that throws or hangs is a failed attempt ({@code NETWORK},
 * {@code TIMEOUT}); an outbox that throws (database down) is counted and the loop tries again at the
 * next poll; a failed {@code recordAttempt} is counted, and the lease running out makes the
 * delivery due again (at least once, never lost). At most {@code maxInFlight} attempts run at once,
 * at most one per endpoint (the outbox's claim rule), so a slow endpoint holds one slot at most for
 * the request timeout.
 *
 * <p>{@link #dispatchDue()} is one pass, usable directly with a direct executor and a fake clock in
 * tests; {@link #start} runs passes on a thread of its own, after each finished attempt, after
 * {@link #wakeUp()} (call it after committing an enqueue for sub-second latency), and at least every
 * poll interval.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());

    /**
     * Counters since start.
     *
     * @param delivered attempts answered 2xx
     * @param retried failed attempts scheduled again
     * @param dead deliveries given up (attempts, age, final status, 410)
     * @param loopErrors passes in which claiming failed
     * @param recordErrors attempts whose outcome could not be recorded (they will be retried)
     * @param inFlight attempts running now
     */
    public record Stats(long delivered, long retried, long dead, long loopErrors, long recordErrors, int inFlight) {
    }

    private final WebhookOutbox outbox;
    private final HttpSender sender;
    private final WebhookSigner signer;
    private final DeliveryPolicy policy;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Executor workers;
    private final ExecutorService ownedWorkers;
    private final int maxInFlight;
    private final Duration lease;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private final AtomicLong loopErrors = new AtomicLong();
    private final AtomicLong recordErrors = new AtomicLong();

    private final Object signal = new Object();
    private boolean signalled;
    private volatile boolean running;
    private Thread loop;

    /**
     * A dispatcher with {@code maxInFlight} worker threads of its own (daemon threads, stopped by
     * {@link #close()}), the system clock and a random jitter.
     */
    public static WebhookDispatcher create(WebhookOutbox outbox, HttpSender sender, DeliveryPolicy policy, int maxInFlight) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new WebhookDispatcher(outbox, sender, new WebhookSigner(), policy, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble(), pool, pool, maxInFlight);
    }

    /**
     * A dispatcher on the given executor (for tests: {@code Runnable::run} makes a pass synchronous).
     *
     * @param random uniform draws in [0, 1) for the backoff jitter
     */
    public WebhookDispatcher(WebhookOutbox outbox, HttpSender sender, WebhookSigner signer, DeliveryPolicy policy,
            Clock clock, DoubleSupplier random, Executor workers, int maxInFlight) {
        this(outbox, sender, signer, policy, clock, random, workers, null, maxInFlight);
    }

    private WebhookDispatcher(WebhookOutbox outbox, HttpSender sender, WebhookSigner signer, DeliveryPolicy policy,
            Clock clock, DoubleSupplier random, Executor workers, ExecutorService ownedWorkers, int maxInFlight) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.ownedWorkers = ownedWorkers;
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        // longer than any attempt can take, so a live dispatcher never loses its lease mid-request
        this.lease = policy.requestTimeout().multipliedBy(2).plusSeconds(30);
    }

    /** How long a claim holds an endpoint. */
    public Duration lease() {
        return lease;
    }

    /**
     * One pass: claims as many due deliveries as there are free slots and hands each to a worker.
     *
     * @return the number of deliveries claimed
     */
    public int dispatchDue() {
        int free = maxInFlight - inFlight.get();
        if (free <= 0) {
            return 0;
        }
        List<ClaimedDelivery> claims = outbox.claimDue(clock.instant(), free, lease);
        for (ClaimedDelivery c : claims) {
            inFlight.incrementAndGet();
            try {
                workers.execute(() -> {
                    try {
                        attempt(c);
                    } finally {
                        inFlight.decrementAndGet();
                        wakeUp();
                    }
                });
            } catch (RejectedExecutionException e) {
                // shutting down: the lease runs out and another pass or replica takes it
                inFlight.decrementAndGet();
            }
        }
        return claims.size();
    }

    private void attempt(ClaimedDelivery c) {
        Instant started = clock.instant();
        AttemptResult result;
        try {
            WebhookHeaders headers = signer.sign(c.endpoint(), c.message().eventId(), started, c.message().body());
            HttpSender.Response response = sender.send(new HttpSender.Request(c.endpoint().url(), headers.asMap(),
                    c.message().body(), policy.requestTimeout()));
            result = fromStatus(c, started, response);
        } catch (WebhookException e) {
            // a body that cannot be signed never will be; a missing secret may be added meanwhile
            result = e.code() == WebhookError.BODY_NOT_UTF8 ? dead(started, OptionalInt.empty(), e.code(), e.getMessage(), false)
                    : failure(c, started, OptionalInt.empty(), e.code(), e.getMessage(), Optional.empty(), false);
        } catch (HttpTimeoutException | TimeoutException e) {
            result = failure(c, started, OptionalInt.empty(), WebhookError.TIMEOUT,
                    "no answer within " + policy.requestTimeout(), Optional.empty(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = failure(c, started, OptionalInt.empty(), WebhookError.NETWORK, "interrupted", Optional.empty(), false);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            result = failure(c, started, OptionalInt.empty(), WebhookError.NETWORK, e.toString(), Optional.empty(), false);
        }
        try {
            outbox.recordAttempt(c, result);
            switch (result.state()) {
                case DELIVERED -> delivered.incrementAndGet();
                case PENDING -> retried.incrementAndGet();
                case DEAD -> dead.incrementAndGet();
                default -> throw new IllegalStateException(result.state().name());
            }
        } catch (RuntimeException e) {
            recordErrors.incrementAndGet();
            LOG.log(Level.WARNING, "recording webhook attempt of delivery " + c.deliveryId()
                    + " failed; it becomes due again when its lease ends", e);
        }
    }

    private AttemptResult fromStatus(ClaimedDelivery c, Instant started, HttpSender.Response response) {
        int status = response.status();
        return switch (policy.classify(status)) {
            case DELIVERED -> new AttemptResult(started, Duration.between(started, clock.instant()), OptionalInt.of(status),
                    Optional.empty(), "", DeliveryState.DELIVERED, Optional.empty(), false);
            case RETRY -> failure(c, started, OptionalInt.of(status), WebhookError.HTTP_STATUS, "HTTP " + status,
                    response.retryAfter(), false);
            case FAIL -> dead(started, OptionalInt.of(status), WebhookError.HTTP_STATUS, "HTTP " + status + " (final)", false);
            case DISABLE_ENDPOINT -> dead(started, OptionalInt.of(status), WebhookError.ENDPOINT_GONE,
                    "HTTP 410: endpoint disabled", true);
        };
    }

    private AttemptResult failure(ClaimedDelivery c, Instant started, OptionalInt status, WebhookError error, String detail,
            Optional<Duration> retryAfter, boolean disable) {
        Instant ended = clock.instant();
        Optional<Instant> next = policy.nextAttempt(c.attemptsMade() + 1, c.message().enqueuedAt(), ended, retryAfter,
                random.getAsDouble());
        if (next.isEmpty()) {
            return dead(started, status, error, detail + " (gave up after " + (c.attemptsMade() + 1) + " attempts)", disable);
        }
        return new AttemptResult(started, Duration.between(started, ended), status, Optional.of(error), detail,
                DeliveryState.PENDING, next, disable);
    }

    private AttemptResult dead(Instant started, OptionalInt status, WebhookError error, String detail, boolean disable) {
        return new AttemptResult(started, Duration.between(started, clock.instant()), status, Optional.of(error), detail,
                DeliveryState.DEAD, Optional.empty(), disable);
    }

    /** Starts the loop thread: a pass after every wake-up and finished attempt, and every {@code pollInterval}. */
    public synchronized void start(Duration pollInterval) {
        if (loop != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        loop = new Thread(() -> run(pollInterval), "webhook-dispatcher");
        loop.setDaemon(true);
        loop.start();
    }

    private void run(Duration pollInterval) {
        while (running) {
            try {
                dispatchDue();
            } catch (RuntimeException e) {
                loopErrors.incrementAndGet();
                LOG.log(Level.WARNING, "claiming webhook deliveries failed; trying again in " + pollInterval, e);
            }
            synchronized (signal) {
                long deadline = System.nanoTime() + pollInterval.toNanos();
                while (running && !signalled) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(signal, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                signalled = false;
            }
        }
    }

    /** Asks the loop for a pass now (e.g. after an enqueue committed). */
    public void wakeUp() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    /** The counters. */
    public Stats stats() {
        return new Stats(delivered.get(), retried.get(), dead.get(), loopErrors.get(), recordErrors.get(), inFlight.get());
    }

    /** Stops the loop and, if it owns them, its workers (waiting up to the request timeout). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = loop;
        }
        wakeUp();
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownedWorkers != null) {
            ownedWorkers.shutdown();
            try {
                ownedWorkers.awaitTermination(policy.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ownedWorkers.shutdownNow();
        }
    }
}
