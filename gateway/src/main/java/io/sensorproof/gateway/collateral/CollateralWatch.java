package io.sensorproof.gateway.collateral;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.CommittedReadingsStore;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.AppliedChange;
import io.sensorproof.gateway.core.collateral.CollateralAlerts;
import io.sensorproof.gateway.core.collateral.DeviceEvaluation;
import io.sensorproof.gateway.core.collateral.LotRules;
import io.sensorproof.gateway.core.collateral.MessageEvidence;
import io.sensorproof.gateway.core.lots.PledgedLot;
import io.sensorproof.gateway.core.rules.EngineSettings;
import io.sensorproof.gateway.core.rules.InputRefusal;
import io.sensorproof.gateway.core.rules.ReadingKey;
import io.sensorproof.gateway.core.rules.ReadingPoint;
import io.sensorproof.gateway.core.rules.TamperKind;
import io.sensorproof.gateway.lots.PgLots;
import io.sensorproof.gateway.persistence.PersistenceSettings;
import io.sensorproof.protocol.senml.Quantity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Feeds the readings of every committed batch of open lots' devices to the rules engine and writes the
 * resulting collateral alerts (issue 14). Quarkus only wires; the evaluation is
 * {@link DeviceEvaluation} (gateway-core).
 *
 * <p><b>Off the ingest thread.</b> {@link #wrap} decorates the ingest store with a
 * {@link CommittedReadingsStore}: after a batch commits, the inserted readings of watched devices are
 * offered to a bounded queue and nothing else happens on the ingest thread. When the queue is full the
 * device is marked <i>dirty since</i> the batch's receive time and counted; the worker later re-reads
 * its readings from the database. Nothing is dropped silently.
 *
 * <p><b>One worker thread</b> evaluates each device in one PostgreSQL transaction: it takes
 * {@code pg_advisory_xact_lock(LOCK_CLASS, hashtext(device))} (so replicas never interleave on a
 * device; a class of its own, so evaluation never waits for ingestion's device locks), checks the device
 * is still in its open lot (else refusal {@code ALERT_UNKNOWN_LOT_DEVICE}, counted), loads
 * {@code rule_state} (V11), re-reads readings if the device is dirty, evaluates, applies the alert
 * changes with {@link PgCollateralAlerts#applyIn} and stores the new snapshot and position, then
 * commits: a crash stores neither or both.
 *
 * <p><b>Restarts and new terms.</b> Open lots with terms are re-read every {@code lots-refresh}; a
 * device seen for the first time (every device after a start) or whose lot or terms version changed is
 * marked dirty, so its readings received since the stored position (or since the terms were set) minus
 * {@code reread-margin} are evaluated again; the engine ignores readings it has already seen.
 * Every {@code tick-interval} each watched device gets a tick for its gap rule, under the same lock.
 *
 * <p><b>Tamper evidence</b> ({@code tamper_evidence}, V13) is written by {@code PgQuarantine} with the
 * refused message's quarantine row. Every {@value #EVIDENCE_POLL_MILLIS} ms the worker looks for devices with
 * unevaluated rows, and every evaluation of a device (readings, re-read, tick, evidence) loads them under
 * the device lock, counts those received since the lot's terms were set with the lot's tampering rule, and
 * marks all of them {@code evaluated_at} in the same transaction as the snapshot and the alert changes: each
 * piece counted once, whatever crashes when, by whichever replica holds the device.
 */
@ApplicationScoped
public class CollateralWatch {
    /** Advisory lock class (two-key form) of the per-device evaluation lock. */
    public static final int LOCK_CLASS = 0x5350_5257;
    /** Refusal code when a device is no longer in the lot it was evaluated for. */
    public static final String UNKNOWN_LOT_DEVICE = CollateralAlerts.UNKNOWN_LOT_DEVICE;
    private static final Logger LOG = Logger.getLogger(CollateralWatch.class);
    /** "Dirty, re-read from the stored position": no receive time of its own. */
    private static final Instant FROM_POSITION = Instant.MAX;
    private static final int DRAIN = 1000;
    /** A device whose evaluation failed is retried (from the database) after this long, not in a tight loop. */
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    /** How often the worker looks for tamper evidence not yet evaluated (V13), ms. */
    static final long EVIDENCE_POLL_MILLIS = 200;
    private static final Duration EVIDENCE_POLL = Duration.ofMillis(EVIDENCE_POLL_MILLIS);

    /** Committed readings of one device from one batch. */
    private record Work(String device, List<ReadingPoint> points, Instant lastReceived, Instant firstReceived) {
    }

    /** Which terms a device was last seen with. */
    private record Seen(long lotId, int termsVersion) {
    }

    private final Pool pool;
    private final PgLots lots;
    private final PgCollateralAlerts alerts;
    private final GatewaySettings.Collateral settings;
    private final Duration timeout;
    private final LotRules lotRules;
    private final Clock clock = Clock.systemUTC();
    private final ArrayBlockingQueue<Work> queue;
    private final ConcurrentHashMap<String, Instant> dirty = new ConcurrentHashMap<>();
    /** Devices whose last evaluation failed: not retried before this System.nanoTime() (worker thread only). */
    private final Map<String, Long> retryAfter = new HashMap<>();
    private volatile Map<String, PledgedLot> watched = Map.of();
    private final Map<String, Seen> seen = new HashMap<>();
    private final Counter evaluations;
    private final Counter changes;
    private final Counter overflow;
    private final Counter failures;
    private final Map<InputRefusal.Reason, Counter> refusals = new EnumMap<>(InputRefusal.Reason.class);
    private final Counter unknownLotDevice;
    private volatile boolean running;
    private Thread worker;

    @Inject
    CollateralWatch(Pool pool, PgLots lots, PgCollateralAlerts alerts, GatewaySettings config, PersistenceSettings persistence,
            MeterRegistry meters) {
        this.pool = pool;
        this.lots = lots;
        this.alerts = alerts;
        this.settings = config.collateral();
        this.timeout = persistence.storeTimeout();
        this.lotRules = new LotRules(settings.hysteresis(), settings.gapFactor());
        this.queue = new ArrayBlockingQueue<>(Math.max(1, settings.queueCapacity()));
        evaluations = Counter.builder("sensorproof.collateral.evaluations")
                .description("device evaluations by the rules engine (readings, re-reads and ticks)").register(meters);
        changes = Counter.builder("sensorproof.collateral.alert.changes")
                .description("collateral alert changes written (each with its alert event)").register(meters);
        overflow = Counter.builder("sensorproof.collateral.queue.overflow")
                .description("committed batches not queued (queue full): the device is re-read from the database").register(meters);
        failures = Counter.builder("sensorproof.collateral.failures")
                .description("evaluations that failed and were rolled back; the device stays dirty and is retried").register(meters);
        for (InputRefusal.Reason reason : InputRefusal.Reason.values()) {
            refusals.put(reason, Counter.builder("sensorproof.collateral.refusals").tag("reason", reason.name())
                    .description("readings or changes the rules did not take, by reason").register(meters));
        }
        unknownLotDevice = Counter.builder("sensorproof.collateral.refusals").tag("reason", UNKNOWN_LOT_DEVICE)
                .description("readings or changes the rules did not take, by reason").register(meters);
        Gauge.builder("sensorproof.collateral.queue.depth", queue, ArrayBlockingQueue::size)
                .description("committed batches waiting for evaluation").register(meters);
        Gauge.builder("sensorproof.collateral.dirty", dirty, Map::size)
                .description("devices waiting to be re-read from the database").register(meters);
    }

    void start(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            LOG.info("sensorproof.collateral.enabled is false: committed readings are not evaluated");
            return;
        }
        running = true;
        worker = new Thread(this::run, "collateral-watch");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code store}, telling this watch about every committed insert (unchanged when the watch is off). */
    public MessageStore wrap(MessageStore store) {
        return settings.enabled() ? new CommittedReadingsStore(store, this::committed) : store;
    }

    /** Queues the readings of watched devices; on the ingest thread, so it only enqueues. */
    void committed(List<AcceptedMessage> inserted) {
        Map<String, PledgedLot> now = watched;
        Map<String, Work> byDevice = new LinkedHashMap<>();
        for (AcceptedMessage m : inserted) {
            if (!now.containsKey(m.deviceId())) {
                continue;
            }
            MessageKey key = m.key();
            Work w = byDevice.get(m.deviceId());
            List<ReadingPoint> points = w == null ? new ArrayList<>() : new ArrayList<>(w.points());
            for (AcceptedReading r : m.readings()) {
                points.add(ReadingPoint.of(key, r));
            }
            Instant last = w == null || m.receivedAt().isAfter(w.lastReceived()) ? m.receivedAt() : w.lastReceived();
            Instant first = w == null || m.receivedAt().isBefore(w.firstReceived()) ? m.receivedAt() : w.firstReceived();
            byDevice.put(m.deviceId(), new Work(m.deviceId(), points, last, first));
        }
        for (Work w : byDevice.values()) {
            if (!queue.offer(w)) {
                overflow.increment();
                dirty.merge(w.device(), w.firstReceived(), CollateralWatch::earlier);
            }
        }
    }

    private void run() {
        long nextRefresh = 0;
        long nextTick = System.nanoTime() + settings.tickInterval().toNanos();
        long nextEvidencePoll = 0;
        while (running) {
            try {
                if (System.nanoTime() - nextRefresh >= 0) {
                    refreshLots();
                    nextRefresh = System.nanoTime() + settings.lotsRefresh().toNanos();
                }
                List<Work> batch = new ArrayList<>();
                Work first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, DRAIN);
                }
                Map<String, List<Work>> byDevice = new LinkedHashMap<>();
                batch.forEach(w -> byDevice.computeIfAbsent(w.device(), d -> new ArrayList<>()).add(w));
                for (Map.Entry<String, List<Work>> e : byDevice.entrySet()) {
                    List<ReadingPoint> points = new ArrayList<>();
                    Instant last = Instant.EPOCH;
                    Instant earliest = Instant.MAX;
                    for (Work w : e.getValue()) {
                        points.addAll(w.points());
                        last = w.lastReceived().isAfter(last) ? w.lastReceived() : last;
                        earliest = earlier(earliest, w.firstReceived());
                    }
                    Instant since = dirty.remove(e.getKey());
                    if (!evaluate(e.getKey(), points, last, since, Optional.empty())) {
                        dirty.merge(e.getKey(), since == null ? earliest : earlier(since, earliest), CollateralWatch::earlier);
                    }
                }
                for (String device : List.copyOf(dirty.keySet())) {
                    Long after = retryAfter.get(device);
                    if (after != null && System.nanoTime() - after < 0) {
                        continue;
                    }
                    Instant since = dirty.remove(device);
                    if (since != null && !evaluate(device, List.of(), Instant.EPOCH, since, Optional.empty())) {
                        dirty.merge(device, since, CollateralWatch::earlier);
                    }
                }
                if (System.nanoTime() - nextEvidencePoll >= 0) {
                    for (String device : pendingEvidence()) {
                        Long after = retryAfter.get(device);
                        if (watched.containsKey(device) && (after == null || System.nanoTime() - after >= 0)) {
                            evaluate(device, List.of(), Instant.EPOCH, null, Optional.empty());
                        }
                    }
                    nextEvidencePoll = System.nanoTime() + EVIDENCE_POLL.toNanos();
                }
                if (System.nanoTime() - nextTick >= 0) {
                    Instant now = clock.instant();
                    for (String device : watched.keySet()) {
                        evaluate(device, List.of(), Instant.EPOCH, null, Optional.of(now));
                    }
                    nextTick = System.nanoTime() + settings.tickInterval().toNanos();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.increment();
                LOG.warn("collateral watch loop failed; retrying", e);
            }
        }
    }

    /** Re-reads open lots with terms; marks new and changed devices dirty (re-read from their position). */
    void refreshLots() {
        List<PledgedLot> open = lots.openLots().await().atMost(timeout);
        Map<String, PledgedLot> next = new HashMap<>();
        for (PledgedLot lot : open) {
            if (lot.terms().isEmpty()) {
                continue;
            }
            for (String device : lot.deviceIds()) {
                next.put(device, lot);
                Seen s = new Seen(lot.lotId(), lot.termsVersion());
                if (!s.equals(seen.put(device, s))) {
                    dirty.merge(device, FROM_POSITION, CollateralWatch::earlier);
                }
            }
        }
        seen.keySet().retainAll(next.keySet());
        dirty.keySet().retainAll(next.keySet());
        watched = Map.copyOf(next);
    }

    /**
     * Evaluates one device in one transaction; false when it failed (rolled back, to be retried).
     *
     * @param points committed readings from the queue
     * @param lastReceived the latest receive time of {@code points}
     * @param since when non-null the device is dirty: re-read its readings received since the earlier of
     *     this and its stored position ({@link #FROM_POSITION}: the position alone), minus the margin
     */
    private boolean evaluate(String device, List<ReadingPoint> points, Instant lastReceived, Instant since,
            Optional<Instant> tick) {
        PledgedLot lot = watched.get(device);
        if (lot == null) {
            return true;
        }
        try {
            int written = pool.withTransaction(c -> evaluateIn(c, lot, device, points, lastReceived, since, tick))
                    .await().atMost(timeout);
            evaluations.increment();
            changes.increment(written);
            retryAfter.remove(device);
            return true;
        } catch (RuntimeException e) {
            failures.increment();
            retryAfter.put(device, System.nanoTime() + RETRY_BACKOFF.toNanos());
            LOG.warnf(e, "evaluation of device %s (lot %d) failed and was rolled back; it will be retried", device, lot.lotId());
            return false;
        }
    }

    private Uni<Integer> evaluateIn(SqlConnection c, PledgedLot lot, String device, List<ReadingPoint> points,
            Instant lastReceived, Instant since, Optional<Instant> tick) {
        return c.preparedQuery("SELECT pg_advisory_xact_lock($1, hashtext($2))").execute(Tuple.of(LOCK_CLASS, device))
                .chain(() -> c.preparedQuery("SELECT 1 FROM lot_devices WHERE lot_id = $1 AND device_id = $2 AND lot_open")
                        .execute(Tuple.of(lot.lotId(), device)))
                .chain(member -> {
                    if (member.size() == 0) {
                        unknownLotDevice.increment();
                        LOG.infof("%s: device %s is no longer in open lot %d; not evaluated", UNKNOWN_LOT_DEVICE, device,
                                lot.lotId());
                        return Uni.createFrom().item(0);
                    }
                    return c.preparedQuery("SELECT lot_id, snapshot, position FROM rule_state WHERE device_id = $1")
                            .execute(Tuple.of(device))
                            .chain(state -> {
                                Row row = state.size() == 0 ? null : state.iterator().next();
                                boolean sameLot = row != null && row.getLong("lot_id") == lot.lotId();
                                Optional<byte[]> snapshot = sameLot
                                        ? Optional.of(row.getBuffer("snapshot").getBytes()) : Optional.empty();
                                Instant position = sameLot ? instant(row.getOffsetDateTime("position")) : null;
                                Uni<List<Row>> reread = since == null ? Uni.createFrom().item(List.of())
                                        : reread(c, lot, device, since, position);
                                return reread.chain(rows -> pendingEvidence(c, lot, device).map(ev -> Map.entry(rows, ev)))
                                        .chain(read -> {
                                    List<Row> rows = read.getKey();
                                    PendingEvidence evidence = read.getValue();
                                    List<ReadingPoint> all = new ArrayList<>(points);
                                    Instant newest = position == null || lastReceived.isAfter(position) ? lastReceived : position;
                                    for (Row r : rows) {
                                        Quantity q = Quantity.byCode(r.getInteger("quantity"));
                                        all.add(new ReadingPoint(q, r.getOffsetDateTime("reading_time").toInstant().toEpochMilli(),
                                                r.getLong("value"), new ReadingKey(r.getLong("boot"), r.getLong("seq"),
                                                        r.getInteger("record_index"))));
                                        Instant received = r.getOffsetDateTime("received_at").toInstant();
                                        newest = received.isAfter(newest) ? received : newest;
                                    }
                                    DeviceEvaluation.Result result = DeviceEvaluation.evaluate(EngineSettings.DEFAULTS, lotRules,
                                            lot, device, snapshot, all, evidence.counted(), tick, clock.instant());
                                    result.refusals().forEach(this::refused);
                                    Instant stored = Instant.EPOCH.equals(newest) ? null : newest;
                                    return applyAll(c, result.changes())
                                            .call(() -> storeState(c, device, lot, result.snapshot(), stored))
                                            .call(() -> markEvaluated(c, lot, evidence));
                                });
                            });
                });
    }

    /**
     * Tamper evidence of {@code device} not yet evaluated: the rows received since the lot's terms were
     * set are counted; older ones (before the bank watched the device) are only marked evaluated.
     */
    private record PendingEvidence(List<Long> countedIds, List<Long> skippedIds, List<MessageEvidence> counted) {
    }

    /** Devices with tamper evidence not yet evaluated (any replica may find them; the device lock decides). */
    private List<String> pendingEvidence() {
        return pool.preparedQuery("SELECT DISTINCT device_id FROM tamper_evidence WHERE evaluated_at IS NULL").execute()
                .map(rows -> {
                    List<String> devices = new ArrayList<>();
                    rows.forEach(r -> devices.add(r.getString(0)));
                    return devices;
                }).await().atMost(timeout);
    }

    private Uni<PendingEvidence> pendingEvidence(SqlConnection c, PledgedLot lot, String device) {
        return c.preparedQuery("SELECT e.id, e.kind, e.kid, e.boot, e.seq, e.digest, e.received_at,"
                        + " e.received_at >= coalesce(l.terms_set_at, '-infinity'::timestamptz) AS counts"
                        + " FROM tamper_evidence e JOIN lots l ON l.id = $2 WHERE e.device_id = $1 AND e.evaluated_at IS NULL"
                        + " ORDER BY e.id")
                .execute(Tuple.of(device, lot.lotId()))
                .map(rows -> {
                    List<Long> countedIds = new ArrayList<>();
                    List<Long> skippedIds = new ArrayList<>();
                    List<MessageEvidence> counted = new ArrayList<>();
                    for (Row r : rows) {
                        if (!r.getBoolean("counts")) {
                            skippedIds.add(r.getLong("id"));
                            continue;
                        }
                        countedIds.add(r.getLong("id"));
                        counted.add(new MessageEvidence(device, TamperKind.valueOf(r.getString("kind")),
                                HexFormat.of().formatHex(r.getBuffer("kid").getBytes()), r.getLong("boot"), r.getLong("seq"),
                                HexFormat.of().formatHex(r.getBuffer("digest").getBytes()),
                                r.getOffsetDateTime("received_at").toInstant()));
                    }
                    return new PendingEvidence(countedIds, skippedIds, counted);
                });
    }

    /** Marks the evidence this evaluation saw, in its transaction: counted once, whatever crashes when. */
    private Uni<Void> markEvaluated(SqlConnection c, PledgedLot lot, PendingEvidence evidence) {
        if (evidence.countedIds().isEmpty() && evidence.skippedIds().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("UPDATE tamper_evidence SET evaluated_at = now(), lot_id = CASE WHEN id = ANY($1) THEN $3::bigint END"
                        + " WHERE id = ANY($1) OR id = ANY($2)")
                .execute(Tuple.of(evidence.countedIds().toArray(Long[]::new), evidence.skippedIds().toArray(Long[]::new),
                        lot.lotId()))
                .replaceWithVoid();
    }

    private Uni<List<Row>> reread(SqlConnection c, PledgedLot lot, String device, Instant since, Instant position) {
        // never evaluated in this lot: everything since its terms were set; else the earlier of the two
        Instant from = position == null ? FROM_POSITION : earlier(since, position);
        return c.preparedQuery("SELECT boot, seq, record_index, quantity, value, reading_time, received_at FROM readings"
                        + " WHERE device_id = $1 AND received_at >= coalesce($2::timestamptz,"
                        + " (SELECT terms_set_at FROM lots WHERE id = $3), '-infinity'::timestamptz) - make_interval(secs => $4)"
                        + " ORDER BY reading_time")
                .execute(Tuple.of(device, FROM_POSITION.equals(from) ? null : from.atOffset(ZoneOffset.UTC), lot.lotId(),
                        (double) settings.rereadMargin().toMillis() / 1000))
                .map(rows -> {
                    List<Row> list = new ArrayList<>();
                    rows.forEach(list::add);
                    return list;
                });
    }

    private Uni<Integer> applyAll(SqlConnection c, List<AlertChange> list) {
        if (list.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Multi.createFrom().iterable(list).onItem().transformToUniAndConcatenate(ch -> alerts.applyIn(c, ch))
                .collect().asList()
                .map(applied -> (int) applied.stream().filter(AppliedChange::changed).count());
    }

    private Uni<Void> storeState(SqlConnection c, String device, PledgedLot lot, Optional<byte[]> snapshot, Instant position) {
        if (snapshot.isEmpty()) {
            return c.preparedQuery("DELETE FROM rule_state WHERE device_id = $1").execute(Tuple.of(device)).replaceWithVoid();
        }
        OffsetDateTime pos = position == null ? null : position.atOffset(ZoneOffset.UTC);
        return c.preparedQuery("INSERT INTO rule_state (device_id, lot_id, terms_version, snapshot, position)"
                        + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO UPDATE SET lot_id = excluded.lot_id,"
                        + " terms_version = excluded.terms_version, snapshot = excluded.snapshot,"
                        + " position = CASE WHEN rule_state.lot_id = excluded.lot_id"
                        + " THEN greatest(rule_state.position, excluded.position) ELSE excluded.position END, updated_at = now()")
                .execute(Tuple.of(device, lot.lotId(), lot.termsVersion(),
                        io.vertx.core.buffer.Buffer.buffer(snapshot.get()), pos))
                .replaceWithVoid();
    }

    private void refused(InputRefusal r) {
        refusals.get(r.reason()).increment();
        LOG.debugf("rules refused a reading of %s (%s): %s", r.device(), r.reason(), r.detail());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
