package io.sensorproof.gateway.core.rules;

/** The state of one rule's fold over a stream's points: the last point seen and the episode in progress. */
final class FoldState {
    ReadingPoint last;
    EpisodeDraft open;

    FoldState copy() {
        FoldState s = new FoldState();
        s.last = last;
        s.open = open == null ? null : open.copy();
        return s;
    }
}
