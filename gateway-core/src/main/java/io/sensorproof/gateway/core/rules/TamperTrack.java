package io.sensorproof.gateway.core.rules;

import java.util.ArrayList;
import java.util.List;

/** A tampering rule's state for one device: recent evidence in time order, and the alert if open. */
final class TamperTrack {
    final TamperingRule rule;
    final List<TamperEvidence> recent = new ArrayList<>();
    /** Evidence at or before this time no longer counts (an alert that used it was resolved), or -1. */
    long countedAfter = -1;
    Alert open;

    TamperTrack(TamperingRule rule) {
        this.rule = rule;
    }
}
