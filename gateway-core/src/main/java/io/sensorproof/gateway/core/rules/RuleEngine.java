package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.InputRefusal.Reason;
import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Evaluates each device's rules on its committed readings, in reading-time order, and emits alert
 * events. Framework-free and deterministic: no I/O, no clock of its own (time comes in as reading
 * times and as the {@code now} of {@link #onTick}).
 *
 * <p><b>Time order, not arrival order.</b> Per (device, quantity) the engine keeps the points of the
 * last {@link EngineSettings#lateness()} (at most {@link EngineSettings#maxPointsPerStream()}) in time
 * order. A reading is inserted where it belongs, and after each call every per-stream rule re-derives
 * its episodes by folding the window, starting from a carried state that summarises everything
 * before it. The alerts of that derivation are compared with those already emitted, which gives the
 * events: so a late reading may open, extend, split, shorten or close an alert, and the alerts held
 * after a set of readings do not depend on the order the readings came in, as long as none lies
 * more than the lateness behind the newest one (those are refused as {@code TOO_LATE}).
 *
 * <p><b>Not thread-safe</b>: the methods are synchronized, but the gateway should give each device to
 * one caller at a time anyway (see the package documentation).
 */
public final class RuleEngine {
    private final EngineSettings settings;
    private final Map<String, DeviceState> devices = new TreeMap<>();
    private final Map<Reason, Long> refusals = new EnumMap<>(Reason.class);

    /** An engine with {@code settings}; no device has rules yet. */
    public RuleEngine(EngineSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The engine's bounds. */
    public EngineSettings settings() {
        return settings;
    }

    /**
     * Sets the rules of {@code device}, replacing earlier ones. A rule kept unchanged (same id, equal
     * definition) keeps its state; a removed or changed rule's unresolved alerts are resolved
     * ({@code RULE_REMOVED}) and a changed rule starts again from the readings still in the window.
     * An empty list forgets the device.
     *
     * @throws RuleException {@code DUPLICATE_RULE_ID}, {@code BAD_DEVICE_ID}
     */
    public synchronized EngineResult setRules(String device, List<Rule> rules) {
        Checks.device(device);
        Set<String> ids = new HashSet<>();
        for (Rule r : rules) {
            if (!ids.add(Objects.requireNonNull(r, "rule").id())) {
                throw new RuleException(Code.DUPLICATE_RULE_ID, "device " + device + " has two rules with id " + r.id());
            }
        }
        List<AlertEvent> events = new ArrayList<>();
        DeviceState ds = devices.computeIfAbsent(device, DeviceState::new);
        Set<Rule> kept = new HashSet<>(rules);
        for (Rule old : ds.rules) {
            if (!kept.contains(old)) {
                removeRule(ds, old, events);
            }
        }
        Set<Rule> before = new HashSet<>(ds.rules);
        ds.rules = List.copyOf(rules);
        Set<Stream> touched = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (before.contains(r)) {
                continue;
            }
            if (r instanceof GapRule g) {
                ds.gaps.put(g.id(), new GapTrack(g));
            } else if (r instanceof TamperingRule t) {
                ds.tampers.put(t.id(), new TamperTrack(t));
            } else {
                Stream s = ds.streams.computeIfAbsent(streamQuantity(r), Stream::new);
                s.tracks.put(r.id(), new Stream.Track(r));
                touched.add(s);
            }
        }
        ds.streams.values().removeIf(s -> s.tracks.isEmpty());
        for (Stream s : touched) {
            if (!s.window.isEmpty()) {
                reevaluate(ds, s, events);
            }
        }
        if (rules.isEmpty()) {
            devices.remove(device);
        }
        return new EngineResult(events, List.of());
    }

    /** The rules of {@code device}, in the order they were set. */
    public synchronized List<Rule> rules(String device) {
        DeviceState ds = devices.get(device);
        return ds == null ? List.of() : ds.rules;
    }

    /**
     * Evaluates committed readings of {@code device}, in any order and of any quantities. Readings of
     * quantities no rule of the device watches only feed its gap rules. A reading given again
     * unchanged (redelivery) is ignored.
     */
    public synchronized EngineResult onReadings(String device, List<ReadingPoint> points) {
        List<AlertEvent> events = new ArrayList<>();
        List<InputRefusal> refused = new ArrayList<>();
        DeviceState ds = devices.get(device);
        if (ds == null || points.isEmpty()) {
            return new EngineResult(events, refused);
        }
        List<ReadingPoint> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingLong(ReadingPoint::timeMillis).thenComparing(ReadingPoint::key));
        for (GapTrack g : ds.gaps.values()) {
            gapReadings(ds, g, sorted, events);
        }
        Map<Stream, Boolean> changed = new LinkedHashMap<>();
        for (ReadingPoint p : sorted) {
            Stream s = ds.streams.get(p.quantity());
            if (s != null && insert(device, s, p, refused)) {
                changed.put(s, Boolean.TRUE);
            }
        }
        for (Stream s : changed.keySet()) {
            reevaluate(ds, s, events);
        }
        return new EngineResult(events, refused);
    }

    /**
     * Counts tamper evidence (any devices, any order). Evidence of a kind a rule does not count, or
     * about a device without tampering rules, changes nothing; the same evidence given again is
     * ignored.
     */
    public synchronized EngineResult onTamperEvidence(List<TamperEvidence> evidence) {
        List<AlertEvent> events = new ArrayList<>();
        List<TamperEvidence> sorted = new ArrayList<>(evidence);
        sorted.sort(Comparator.comparingLong(TamperEvidence::timeMillis));
        for (TamperEvidence e : sorted) {
            DeviceState ds = devices.get(e.device());
            if (ds == null) {
                continue;
            }
            for (TamperTrack t : ds.tampers.values()) {
                if (t.rule.kinds().contains(e.kind())) {
                    tamper(ds, t, e, events);
                }
            }
        }
        return new EngineResult(events, List.of());
    }

    /**
     * Time passes: opens gap alerts of devices silent for longer than their rules allow, and resolves
     * tampering alerts after a quiet window. {@code now} is the gateway's clock.
     */
    public synchronized EngineResult onTick(Instant now) {
        long t = now.toEpochMilli();
        List<AlertEvent> events = new ArrayList<>();
        for (DeviceState ds : devices.values()) {
            for (GapTrack g : ds.gaps.values()) {
                gapTick(ds, g, t, events);
            }
            for (TamperTrack tt : ds.tampers.values()) {
                if (tt.open != null && t - tt.open.lastTime() >= tt.rule.window().toMillis()) {
                    Alert resolved = tt.open.resolved(Resolution.of(ResolutionReason.EVIDENCE_QUIET, t, null));
                    tt.countedAfter = tt.open.lastTime();
                    tt.open = null;
                    events.add(new AlertEvent(AlertEventType.RESOLVED, resolved));
                }
            }
        }
        return new EngineResult(events, List.of());
    }

    /**
     * The alerts the engine holds for {@code device} that still count (retracted ones left out), by
     * id: open ones and resolved ones that late readings could still change.
     */
    public synchronized List<Alert> alerts(String device) {
        DeviceState ds = devices.get(device);
        if (ds == null) {
            return List.of();
        }
        List<Alert> out = new ArrayList<>();
        for (Stream s : ds.streams.values()) {
            for (Stream.Track tr : s.tracks.values()) {
                tr.known.values().stream().filter(a -> !a.retracted()).forEach(out::add);
            }
        }
        ds.gaps.values().stream().filter(g -> g.open != null).forEach(g -> out.add(g.open));
        ds.tampers.values().stream().filter(t -> t.open != null).forEach(t -> out.add(t.open));
        out.sort(Comparator.comparing(a -> a.id().value()));
        return out;
    }

    /** Refused inputs since the engine started, by reason. */
    public synchronized Map<Reason, Long> refusalCounts() {
        return Collections.unmodifiableMap(new EnumMap<>(refusals));
    }

    /** The devices the engine holds state for. */
    public synchronized Set<String> devices() {
        return Set.copyOf(devices.keySet());
    }

    /**
     * The state of {@code device} (rules, windows, carried folds, alerts), for storage; {@link #restore}
     * brings it back in this or another engine. Empty when the engine holds nothing for the device.
     */
    public synchronized Optional<byte[]> snapshot(String device) {
        DeviceState ds = devices.get(device);
        return ds == null ? Optional.empty() : Optional.of(StateCodec.encode(ds));
    }

    /**
     * Replaces the engine's state of the snapshot's device with the snapshot. The restored engine emits
     * the same further events as one that never stopped.
     *
     * @return the device restored
     * @throws RuleException {@code BAD_SNAPSHOT} when the bytes cannot be read; the engine is unchanged
     */
    public synchronized String restore(byte[] snapshot) {
        DeviceState ds = StateCodec.decode(snapshot);
        devices.put(ds.device, ds);
        return ds.device;
    }

    /** Drops all state of {@code device} (another replica took it over). */
    public synchronized void forget(String device) {
        devices.remove(device);
    }

    private static Quantity streamQuantity(Rule r) {
        if (r instanceof ThresholdRule t) {
            return t.quantity();
        } else if (r instanceof StuckRule s) {
            return s.quantity();
        } else if (r instanceof RateOfChangeRule c) {
            return c.quantity();
        }
        throw new IllegalArgumentException("not a per-stream rule: " + r.kind());
    }

    private void removeRule(DeviceState ds, Rule old, List<AlertEvent> events) {
        List<Alert> unresolved = new ArrayList<>();
        if (old instanceof GapRule) {
            GapTrack g = ds.gaps.remove(old.id());
            if (g != null && g.open != null) {
                unresolved.add(g.open);
            }
        } else if (old instanceof TamperingRule) {
            TamperTrack t = ds.tampers.remove(old.id());
            if (t != null && t.open != null) {
                unresolved.add(t.open);
            }
        } else {
            Stream s = ds.streams.get(streamQuantity(old));
            Stream.Track tr = s == null ? null : s.tracks.remove(old.id());
            if (tr != null) {
                tr.known.values().stream().filter(a -> a.state() != AlertState.RESOLVED).forEach(unresolved::add);
            }
        }
        for (Alert a : unresolved) {
            events.add(new AlertEvent(AlertEventType.RESOLVED,
                    a.resolved(Resolution.of(ResolutionReason.RULE_REMOVED, a.lastTime(), null))));
        }
    }

    private boolean insert(String device, Stream s, ReadingPoint p, List<InputRefusal> refused) {
        if (p.timeMillis() < s.floor) {
            refuse(refused, device, Reason.TOO_LATE, p + " lies before the evaluated window, which starts at " + s.floor);
            return false;
        }
        ReadingPoint there = s.window.get(p.timeMillis());
        if (there != null) {
            if (there.equals(p)) {
                return false;
            }
            refuse(refused, device, there.key().equals(p.key()) ? Reason.CONFLICTING_POINT : Reason.DUPLICATE_READING_TIME,
                    p + " vs " + there);
            return false;
        }
        s.window.put(p.timeMillis(), p);
        s.newest = Math.max(s.newest, p.timeMillis());
        return true;
    }

    private void refuse(List<InputRefusal> refused, String device, Reason reason, String detail) {
        refused.add(new InputRefusal(device, reason, detail));
        refusals.merge(reason, 1L, Long::sum);
    }

    /** Re-derives every per-stream rule of {@code s} from its window, emits the differences, then evicts. */
    private void reevaluate(DeviceState ds, Stream s, List<AlertEvent> events) {
        List<ReadingPoint> points = new ArrayList<>(s.window.values());
        int max = settings.maxEvidence();
        for (Stream.Track tr : s.tracks.values()) {
            FoldState fold = tr.carry.copy();
            List<EpisodeDraft> episodes = new ArrayList<>();
            for (ReadingPoint p : points) {
                Folds.step(tr.rule, fold, p, max, d -> {
                    if (Folds.qualifies(tr.rule, d)) {
                        episodes.add(d);
                    }
                });
            }
            if (fold.open != null && Folds.qualifies(tr.rule, fold.open)) {
                episodes.add(fold.open);
            }
            Map<String, Alert> derived = new LinkedHashMap<>();
            for (EpisodeDraft d : episodes) {
                Alert a = Folds.toAlert(tr.rule, ds.device, s.quantity, d, max);
                derived.put(a.id().value(), a);
            }
            emitDifferences(s, tr, derived, events);
        }
        evict(ds, s);
    }

    private static void emitDifferences(Stream s, Stream.Track tr, Map<String, Alert> derived, List<AlertEvent> events) {
        for (Alert a : derived.values()) {
            Alert k = tr.known.get(a.id().value());
            if (k == null) {
                if (a.state() == AlertState.OPEN) {
                    events.add(new AlertEvent(AlertEventType.OPENED, a));
                } else {
                    events.add(new AlertEvent(AlertEventType.OPENED, a.asOpen()));
                    events.add(new AlertEvent(AlertEventType.RESOLVED, a));
                }
            } else if (k.equals(a)) {
                continue;
            } else if (k.state() == AlertState.RESOLVED && a.state() == AlertState.OPEN) {
                events.add(new AlertEvent(AlertEventType.REOPENED, a));
            } else if (k.state() == AlertState.OPEN && a.state() == AlertState.RESOLVED) {
                events.add(new AlertEvent(AlertEventType.RESOLVED, a));
            } else {
                events.add(new AlertEvent(AlertEventType.UPDATED, a));
            }
            tr.known.put(a.id().value(), a);
        }
        for (Alert k : List.copyOf(tr.known.values())) {
            if (derived.containsKey(k.id().value()) || k.retracted()) {
                continue;
            }
            Optional<Alert> cover = derived.values().stream()
                    .filter(d -> d.firstTime() <= k.firstTime() && k.firstTime() <= d.lastTime()).findFirst();
            Resolution r = cover.isPresent()
                    ? new Resolution(ResolutionReason.SUPERSEDED, s.newest, Optional.empty(), Optional.of(cover.get().id()))
                    : Resolution.of(ResolutionReason.WITHDRAWN, s.newest, null);
            Alert retracted = new Alert(k.id(), k.kind(), AlertState.RESOLVED, k.firstTime(), k.lastTime(), k.peak(),
                    k.evidence(), k.evidenceCount(), k.contractRuns(), k.contractRunCount(), k.tamperEvidence(),
                    Optional.of(r), Optional.empty());
            tr.known.put(k.id().value(), retracted);
            events.add(new AlertEvent(AlertEventType.RESOLVED, retracted));
        }
    }

    /**
     * Moves points older than the lateness (or beyond the count bound) from the window into each
     * track's carry, and forgets alerts that no later reading can change any more.
     */
    private void evict(DeviceState ds, Stream s) {
        long floor = Math.max(s.floor, s.newest - settings.lateness().toMillis());
        int excess = s.window.size() - settings.maxPointsPerStream();
        if (excess > 0) {
            long t = 0;
            Iterator<Long> it = s.window.keySet().iterator();
            for (int i = 0; i < excess; i++) {
                t = it.next();
            }
            floor = Math.max(floor, t + 1);
        }
        if (floor <= s.floor) {
            return;
        }
        evictBefore(ds, s, floor);
    }

    private void evictBefore(DeviceState ds, Stream s, long floor) {
        s.floor = floor;
        SortedMap<Long, ReadingPoint> head = s.window.headMap(floor, false);
        for (ReadingPoint p : head.values()) {
            for (Stream.Track tr : s.tracks.values()) {
                Folds.step(tr.rule, tr.carry, p, settings.maxEvidence(), d -> { });
            }
        }
        head.clear();
        for (Stream.Track tr : s.tracks.values()) {
            // An alert can still change only if its episode is the carried open one, or starts at or
            // after the last folded point (a rate episode starts at the point before the violating one).
            String carried = tr.carry.open == null ? null
                    : Folds.alertId(tr.rule, ds.device, s.quantity, tr.carry.open.anchorKey).value();
            if (tr.carry.last == null) {
                continue;
            }
            long lastFolded = tr.carry.last.timeMillis();
            tr.known.values().removeIf(a -> a.firstTime() < lastFolded && !a.id().value().equals(carried));
        }
    }

    private static void gapReadings(DeviceState ds, GapTrack g, List<ReadingPoint> sorted, List<AlertEvent> events) {
        for (ReadingPoint p : sorted) {
            if (!g.rule.covers(p.quantity()) || p.timeMillis() <= g.lastTime) {
                continue;
            }
            if (g.open != null && p.timeMillis() > g.open.firstTime()) {
                List<ReadingKey> evidence = new ArrayList<>(g.open.evidence());
                evidence.add(p.key());
                Alert resumed = new Alert(g.open.id(), AlertKind.GAP, AlertState.OPEN, g.open.firstTime(), p.timeMillis(),
                        OptionalLong.empty(), evidence, evidence.size(), List.of(), 0, List.of(), Optional.empty(),
                        Optional.empty());
                events.add(new AlertEvent(AlertEventType.RESOLVED,
                        resumed.resolved(Resolution.of(ResolutionReason.READINGS_RESUMED, p.timeMillis(), p.key()))));
                g.open = null;
            }
            g.lastTime = p.timeMillis();
            g.lastKey = p.key();
        }
    }

    private static void gapTick(DeviceState ds, GapTrack g, long now, List<AlertEvent> events) {
        if (g.lastTime < 0 && g.watchedSince < 0) {
            g.watchedSince = now;
            return;
        }
        long since = g.lastTime >= 0 ? g.lastTime : g.watchedSince;
        if (g.open != null || now - since <= g.rule.maxSilence().toMillis()) {
            return;
        }
        String scope = g.rule.quantity().map(Quantity::senmlName).orElse("any");
        String anchor = g.lastKey != null ? g.lastKey.toString() : "t" + since;
        List<ReadingKey> evidence = g.lastKey != null ? List.of(g.lastKey) : List.of();
        g.open = new Alert(new AlertId(g.rule.id(), ds.device, scope, anchor), AlertKind.GAP, AlertState.OPEN, since, now,
                OptionalLong.empty(), evidence, evidence.size(), List.of(), 0, List.of(), Optional.empty(), Optional.empty());
        events.add(new AlertEvent(AlertEventType.OPENED, g.open));
    }

    private void tamper(DeviceState ds, TamperTrack t, TamperEvidence e, List<AlertEvent> events) {
        if (t.recent.contains(e) || (t.open != null && t.open.tamperEvidence().contains(e))) {
            return;
        }
        long window = t.rule.window().toMillis();
        if (t.open != null) {
            if (e.timeMillis() < t.open.firstTime()) {
                return;
            }
            List<TamperEvidence> list = new ArrayList<>(t.open.tamperEvidence());
            if (list.size() < settings.maxEvidence()) {
                int i = 0;
                while (i < list.size() && list.get(i).timeMillis() <= e.timeMillis()) {
                    i++;
                }
                list.add(i, e);
            }
            t.open = new Alert(t.open.id(), AlertKind.TAMPERING, AlertState.OPEN, t.open.firstTime(),
                    Math.max(t.open.lastTime(), e.timeMillis()), OptionalLong.empty(), List.of(),
                    t.open.evidenceCount() + 1, List.of(), 0, list, Optional.empty(), Optional.empty());
            events.add(new AlertEvent(AlertEventType.UPDATED, t.open));
            return;
        }
        if (e.timeMillis() <= t.countedAfter) {
            return;
        }
        int at = 0;
        while (at < t.recent.size() && t.recent.get(at).timeMillis() <= e.timeMillis()) {
            at++;
        }
        t.recent.add(at, e);
        long newest = t.recent.get(t.recent.size() - 1).timeMillis();
        t.recent.removeIf(x -> x.timeMillis() <= newest - window);
        for (int i = 0; i < t.recent.size(); i++) {
            long ti = t.recent.get(i).timeMillis();
            int first = i;
            while (first > 0 && t.recent.get(first - 1).timeMillis() > ti - window) {
                first--;
            }
            if (i - first + 1 >= t.rule.threshold()) {
                List<TamperEvidence> used = t.recent.subList(first, t.recent.size());
                List<TamperEvidence> listed = List.copyOf(used.subList(0, Math.min(used.size(), settings.maxEvidence())));
                TamperEvidence anchor = used.get(0);
                t.open = new Alert(new AlertId(t.rule.id(), ds.device, "device", "t" + anchor.timeMillis()),
                        AlertKind.TAMPERING, AlertState.OPEN, anchor.timeMillis(), used.get(used.size() - 1).timeMillis(),
                        OptionalLong.empty(), List.of(), used.size(), List.of(), 0, listed, Optional.empty(), Optional.empty());
                t.recent.clear();
                events.add(new AlertEvent(AlertEventType.OPENED, t.open));
                return;
            }
        }
    }
}
