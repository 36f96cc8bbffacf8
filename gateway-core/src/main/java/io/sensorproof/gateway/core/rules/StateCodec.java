package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The bytes of one device's engine state: a magic, a format version, then rules, streams (window,
 * carried folds, emitted alerts), gap and tampering state, with enums by name (never ordinal) so that
 * adding a constant does not change stored meaning. Anything unreadable is {@code BAD_SNAPSHOT}.
 */
final class StateCodec {
    private static final int MAGIC = 0x53505245; // "SPRE"
    private static final int VERSION = 1;
    private static final int MAX_LIST = 10_000_000;

    private StateCodec() {
    }

    static byte[] encode(DeviceState ds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(ds.device);
            out.writeInt(ds.rules.size());
            for (Rule r : ds.rules) {
                writeRule(out, r);
            }
            out.writeInt(ds.streams.size());
            for (Stream s : ds.streams.values()) {
                out.writeInt(s.quantity.code());
                out.writeLong(s.floor);
                out.writeLong(s.newest);
                out.writeInt(s.window.size());
                for (ReadingPoint p : s.window.values()) {
                    writePoint(out, p);
                }
                out.writeInt(s.tracks.size());
                for (Stream.Track tr : s.tracks.values()) {
                    out.writeUTF(tr.rule.id());
                    out.writeBoolean(tr.carry.last != null);
                    if (tr.carry.last != null) {
                        writePoint(out, tr.carry.last);
                    }
                    out.writeBoolean(tr.carry.open != null);
                    if (tr.carry.open != null) {
                        writeDraft(out, tr.carry.open);
                    }
                    out.writeInt(tr.known.size());
                    for (Alert a : tr.known.values()) {
                        writeAlert(out, a);
                    }
                }
            }
            out.writeInt(ds.gaps.size());
            for (GapTrack g : ds.gaps.values()) {
                out.writeUTF(g.rule.id());
                out.writeLong(g.lastTime);
                writeOptionalKey(out, g.lastKey);
                out.writeLong(g.watchedSince);
                writeOptionalAlert(out, g.open);
            }
            out.writeInt(ds.tampers.size());
            for (TamperTrack t : ds.tampers.values()) {
                out.writeUTF(t.rule.id());
                out.writeLong(t.countedAfter);
                out.writeInt(t.recent.size());
                for (TamperEvidence e : t.recent) {
                    writeEvidence(out, e);
                }
                writeOptionalAlert(out, t.open);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static DeviceState decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw bad("not an engine snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw bad("snapshot format version " + version + ", this engine reads " + VERSION);
            }
            DeviceState ds = new DeviceState(Checks.device(in.readUTF()));
            int nRules = count(in);
            List<Rule> rules = new ArrayList<>();
            for (int i = 0; i < nRules; i++) {
                rules.add(readRule(in));
            }
            ds.rules = List.copyOf(rules);
            int nStreams = count(in);
            for (int i = 0; i < nStreams; i++) {
                Stream s = new Stream(quantity(in.readInt()));
                s.floor = in.readLong();
                s.newest = in.readLong();
                int nPoints = count(in);
                for (int j = 0; j < nPoints; j++) {
                    ReadingPoint p = readPoint(in);
                    s.window.put(p.timeMillis(), p);
                }
                int nTracks = count(in);
                for (int j = 0; j < nTracks; j++) {
                    Stream.Track tr = new Stream.Track(rule(rules, in.readUTF()));
                    tr.carry.last = in.readBoolean() ? readPoint(in) : null;
                    tr.carry.open = in.readBoolean() ? readDraft(in) : null;
                    int nKnown = count(in);
                    for (int k = 0; k < nKnown; k++) {
                        Alert a = readAlert(in);
                        tr.known.put(a.id().value(), a);
                    }
                    s.tracks.put(tr.rule.id(), tr);
                }
                ds.streams.put(s.quantity, s);
            }
            int nGaps = count(in);
            for (int i = 0; i < nGaps; i++) {
                GapTrack g = new GapTrack((GapRule) rule(rules, in.readUTF()));
                g.lastTime = in.readLong();
                g.lastKey = readOptionalKey(in);
                g.watchedSince = in.readLong();
                g.open = readOptionalAlert(in);
                ds.gaps.put(g.rule.id(), g);
            }
            int nTampers = count(in);
            for (int i = 0; i < nTampers; i++) {
                TamperTrack t = new TamperTrack((TamperingRule) rule(rules, in.readUTF()));
                t.countedAfter = in.readLong();
                int n = count(in);
                for (int j = 0; j < n; j++) {
                    t.recent.add(readEvidence(in));
                }
                t.open = readOptionalAlert(in);
                ds.tampers.put(t.rule.id(), t);
            }
            if (in.read() != -1) {
                throw bad("trailing bytes");
            }
            return ds;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuleException r && r.code() == Code.BAD_SNAPSHOT) {
                throw r;
            }
            throw bad(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static RuleException bad(String message) {
        return new RuleException(Code.BAD_SNAPSHOT, message);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LIST) {
            throw bad("list length " + n);
        }
        return n;
    }

    private static Quantity quantity(int code) {
        Quantity q = Quantity.byCode(code);
        if (q == null) {
            throw bad("unknown quantity code " + code);
        }
        return q;
    }

    private static Rule rule(List<Rule> rules, String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow(() -> bad("state of unknown rule " + id));
    }

    private static void writeRule(DataOutputStream out, Rule r) throws IOException {
        out.writeUTF(r.kind().name());
        out.writeUTF(r.id());
        if (r instanceof ThresholdRule t) {
            out.writeInt(t.quantity().code());
            out.writeLong(t.lo());
            out.writeLong(t.hi());
            out.writeLong(t.minDuration().toMillis());
            out.writeLong(t.hysteresis());
            out.writeLong(t.maxGap().toMillis());
        } else if (r instanceof GapRule g) {
            out.writeInt(g.quantity().map(Quantity::code).orElse(0));
            out.writeLong(g.maxSilence().toMillis());
        } else if (r instanceof StuckRule s) {
            out.writeInt(s.quantity().code());
            out.writeInt(s.count());
            out.writeLong(s.minDuration().toMillis());
        } else if (r instanceof RateOfChangeRule c) {
            out.writeInt(c.quantity().code());
            out.writeLong(c.maxDelta());
            out.writeLong(c.per().toMillis());
        } else if (r instanceof TamperingRule t) {
            out.writeInt(t.threshold());
            out.writeLong(t.window().toMillis());
            out.writeInt(t.kinds().size());
            for (TamperKind k : t.kinds()) {
                out.writeUTF(k.name());
            }
        }
    }

    private static Rule readRule(DataInputStream in) throws IOException {
        AlertKind kind = AlertKind.valueOf(in.readUTF());
        String id = in.readUTF();
        switch (kind) {
            case THRESHOLD:
                return new ThresholdRule(id, quantity(in.readInt()), in.readLong(), in.readLong(), ms(in.readLong()),
                        in.readLong(), ms(in.readLong()));
            case GAP: {
                int code = in.readInt();
                return new GapRule(id, code == 0 ? Optional.empty() : Optional.of(quantity(code)), ms(in.readLong()));
            }
            case STUCK:
                return new StuckRule(id, quantity(in.readInt()), in.readInt(), ms(in.readLong()));
            case RATE_OF_CHANGE:
                return new RateOfChangeRule(id, quantity(in.readInt()), in.readLong(), ms(in.readLong()));
            case TAMPERING: {
                int threshold = in.readInt();
                Duration window = ms(in.readLong());
                int n = count(in);
                Set<TamperKind> kinds = EnumSet.noneOf(TamperKind.class);
                for (int i = 0; i < n; i++) {
                    kinds.add(TamperKind.valueOf(in.readUTF()));
                }
                return new TamperingRule(id, threshold, window, kinds);
            }
            default:
                throw bad("unknown rule kind " + kind);
        }
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static void writeKey(DataOutputStream out, ReadingKey k) throws IOException {
        out.writeLong(k.boot());
        out.writeLong(k.seq());
        out.writeInt(k.recordIndex());
    }

    private static ReadingKey readKey(DataInputStream in) throws IOException {
        return new ReadingKey(in.readLong(), in.readLong(), in.readInt());
    }

    private static void writeOptionalKey(DataOutputStream out, ReadingKey k) throws IOException {
        out.writeBoolean(k != null);
        if (k != null) {
            writeKey(out, k);
        }
    }

    private static ReadingKey readOptionalKey(DataInputStream in) throws IOException {
        return in.readBoolean() ? readKey(in) : null;
    }

    private static void writePoint(DataOutputStream out, ReadingPoint p) throws IOException {
        out.writeInt(p.quantity().code());
        out.writeLong(p.timeMillis());
        out.writeLong(p.value());
        writeKey(out, p.key());
    }

    private static ReadingPoint readPoint(DataInputStream in) throws IOException {
        return new ReadingPoint(quantity(in.readInt()), in.readLong(), in.readLong(), readKey(in));
    }

    private static void writeRun(DataOutputStream out, ContractRun r) throws IOException {
        writeKey(out, r.firstKey());
        out.writeLong(r.firstTime());
        writeKey(out, r.lastKey());
        out.writeLong(r.lastTime());
        out.writeInt(r.count());
    }

    private static ContractRun readRun(DataInputStream in) throws IOException {
        return new ContractRun(readKey(in), in.readLong(), readKey(in), in.readLong(), in.readInt());
    }

    private static void writeEvidence(DataOutputStream out, TamperEvidence e) throws IOException {
        out.writeUTF(e.device());
        out.writeUTF(e.kind().name());
        out.writeLong(e.timeMillis());
        out.writeUTF(e.reference());
    }

    private static TamperEvidence readEvidence(DataInputStream in) throws IOException {
        return new TamperEvidence(in.readUTF(), TamperKind.valueOf(in.readUTF()), in.readLong(), in.readUTF());
    }

    private static void writeResolution(DataOutputStream out, Resolution r) throws IOException {
        out.writeUTF(r.reason().name());
        out.writeLong(r.timeMillis());
        writeOptionalKey(out, r.key().orElse(null));
        out.writeBoolean(r.supersededBy().isPresent());
        if (r.supersededBy().isPresent()) {
            writeId(out, r.supersededBy().get());
        }
    }

    private static Resolution readResolution(DataInputStream in) throws IOException {
        ResolutionReason reason = ResolutionReason.valueOf(in.readUTF());
        long time = in.readLong();
        Optional<ReadingKey> key = Optional.ofNullable(readOptionalKey(in));
        Optional<AlertId> by = in.readBoolean() ? Optional.of(readId(in)) : Optional.empty();
        return new Resolution(reason, time, key, by);
    }

    private static void writeId(DataOutputStream out, AlertId id) throws IOException {
        out.writeUTF(id.ruleId());
        out.writeUTF(id.device());
        out.writeUTF(id.scope());
        out.writeUTF(id.anchor());
    }

    private static AlertId readId(DataInputStream in) throws IOException {
        return new AlertId(in.readUTF(), in.readUTF(), in.readUTF(), in.readUTF());
    }

    private static void writeDraft(DataOutputStream out, EpisodeDraft d) throws IOException {
        writeKey(out, d.anchorKey);
        out.writeLong(d.firstTime);
        out.writeLong(d.lastTime);
        writeKey(out, d.lastKey);
        out.writeBoolean(d.hasPeak);
        out.writeLong(d.peak);
        out.writeLong(d.peakScore);
        out.writeInt(d.evidence.size());
        for (ReadingKey k : d.evidence) {
            writeKey(out, k);
        }
        out.writeInt(d.evidenceCount);
        out.writeInt(d.runs.size());
        for (ContractRun r : d.runs) {
            writeRun(out, r);
        }
        out.writeInt(d.runCount);
        out.writeBoolean(d.currentRun != null);
        if (d.currentRun != null) {
            writeRun(out, d.currentRun);
        }
        out.writeBoolean(d.closure != null);
        if (d.closure != null) {
            writeResolution(out, d.closure);
        }
    }

    private static EpisodeDraft readDraft(DataInputStream in) throws IOException {
        EpisodeDraft d = new EpisodeDraft();
        d.anchorKey = readKey(in);
        d.firstTime = in.readLong();
        d.lastTime = in.readLong();
        d.lastKey = readKey(in);
        d.hasPeak = in.readBoolean();
        d.peak = in.readLong();
        d.peakScore = in.readLong();
        int n = count(in);
        for (int i = 0; i < n; i++) {
            d.evidence.add(readKey(in));
        }
        d.evidenceCount = in.readInt();
        int r = count(in);
        for (int i = 0; i < r; i++) {
            d.runs.add(readRun(in));
        }
        d.runCount = in.readInt();
        d.currentRun = in.readBoolean() ? readRun(in) : null;
        d.closure = in.readBoolean() ? readResolution(in) : null;
        return d;
    }

    private static void writeOptionalAlert(DataOutputStream out, Alert a) throws IOException {
        out.writeBoolean(a != null);
        if (a != null) {
            writeAlert(out, a);
        }
    }

    private static Alert readOptionalAlert(DataInputStream in) throws IOException {
        return in.readBoolean() ? readAlert(in) : null;
    }

    private static void writeAlert(DataOutputStream out, Alert a) throws IOException {
        writeId(out, a.id());
        out.writeUTF(a.kind().name());
        out.writeUTF(a.state().name());
        out.writeLong(a.firstTime());
        out.writeLong(a.lastTime());
        out.writeBoolean(a.peak().isPresent());
        out.writeLong(a.peak().orElse(0));
        out.writeInt(a.evidence().size());
        for (ReadingKey k : a.evidence()) {
            writeKey(out, k);
        }
        out.writeInt(a.evidenceCount());
        out.writeInt(a.contractRuns().size());
        for (ContractRun r : a.contractRuns()) {
            writeRun(out, r);
        }
        out.writeInt(a.contractRunCount());
        out.writeInt(a.tamperEvidence().size());
        for (TamperEvidence e : a.tamperEvidence()) {
            writeEvidence(out, e);
        }
        out.writeBoolean(a.resolution().isPresent());
        if (a.resolution().isPresent()) {
            writeResolution(out, a.resolution().get());
        }
        out.writeBoolean(a.acknowledgement().isPresent());
        if (a.acknowledgement().isPresent()) {
            out.writeUTF(a.acknowledgement().get().actor());
            out.writeLong(a.acknowledgement().get().atMillis());
        }
    }

    private static Alert readAlert(DataInputStream in) throws IOException {
        AlertId id = readId(in);
        AlertKind kind = AlertKind.valueOf(in.readUTF());
        AlertState state = AlertState.valueOf(in.readUTF());
        long first = in.readLong();
        long last = in.readLong();
        boolean hasPeak = in.readBoolean();
        long peak = in.readLong();
        int n = count(in);
        List<ReadingKey> evidence = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            evidence.add(readKey(in));
        }
        int evidenceCount = in.readInt();
        int r = count(in);
        List<ContractRun> runs = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            runs.add(readRun(in));
        }
        int runCount = in.readInt();
        int t = count(in);
        List<TamperEvidence> tamper = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            tamper.add(readEvidence(in));
        }
        Optional<Resolution> resolution = in.readBoolean() ? Optional.of(readResolution(in)) : Optional.empty();
        Optional<Acknowledgement> ack = in.readBoolean() ? Optional.of(new Acknowledgement(in.readUTF(), in.readLong()))
                : Optional.empty();
        return new Alert(id, kind, state, first, last, hasPeak ? OptionalLong.of(peak) : OptionalLong.empty(), evidence,
                evidenceCount, runs, runCount, tamper, resolution, ack);
    }
}
