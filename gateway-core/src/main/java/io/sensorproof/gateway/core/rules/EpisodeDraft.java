package io.sensorproof.gateway.core.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * An episode of a per-stream rule while it is being folded: mutable, copied before a derivation
 * so that the carried state stays as it was.
 */
final class EpisodeDraft {
    ReadingKey anchorKey;
    long firstTime;
    long lastTime;
    ReadingKey lastKey;
    boolean hasPeak;
    long peak;
    long peakScore;
    final List<ReadingKey> evidence = new ArrayList<>();
    int evidenceCount;
    final List<ContractRun> runs = new ArrayList<>();
    int runCount;
    ContractRun currentRun;
    Resolution closure;

    static EpisodeDraft start(ReadingKey anchor, long time) {
        EpisodeDraft d = new EpisodeDraft();
        d.anchorKey = anchor;
        d.firstTime = time;
        d.lastTime = time;
        d.lastKey = anchor;
        return d;
    }

    EpisodeDraft copy() {
        EpisodeDraft d = new EpisodeDraft();
        d.anchorKey = anchorKey;
        d.firstTime = firstTime;
        d.lastTime = lastTime;
        d.lastKey = lastKey;
        d.hasPeak = hasPeak;
        d.peak = peak;
        d.peakScore = peakScore;
        d.evidence.addAll(evidence);
        d.evidenceCount = evidenceCount;
        d.runs.addAll(runs);
        d.runCount = runCount;
        d.currentRun = currentRun;
        d.closure = closure;
        return d;
    }

    void add(ReadingKey key, long time, int maxEvidence) {
        if (evidence.size() < maxEvidence) {
            evidence.add(key);
        }
        evidenceCount++;
        lastTime = time;
        lastKey = key;
    }

    void peak(long value, long score) {
        if (!hasPeak || score > peakScore) {
            hasPeak = true;
            peak = value;
            peakScore = score;
        }
    }

    void closeRun(int maxEvidence) {
        if (currentRun != null) {
            if (runs.size() < maxEvidence) {
                runs.add(currentRun);
            }
            runCount++;
            currentRun = null;
        }
    }
}
