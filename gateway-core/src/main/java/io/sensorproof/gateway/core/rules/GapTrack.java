package io.sensorproof.gateway.core.rules;

/** A gap rule's state for one device: the newest reading it covers and the silence alert, if open. */
final class GapTrack {
    final GapRule rule;
    long lastTime = -1;
    ReadingKey lastKey;
    /** When the engine first watched the device without a reading yet (first tick), or -1. */
    long watchedSince = -1;
    Alert open;

    GapTrack(GapRule rule) {
        this.rule = rule;
    }
}
