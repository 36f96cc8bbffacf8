package io.sensorproof.protocol.ack;

import io.sensorproof.protocol.ids.Identifiers;
import java.util.List;
import java.util.Optional;

/**
 * A signed statement from the gateway to one device: which of its messages are stored durably and
 * which are refused for good. An agent deletes from its outbox only what a verified
 * acknowledgement names. Replaying an old acknowledgement is harmless: it names only messages that
 * were stored or refused, and sequence numbers are never reused within a boot.
 *
 * @param deviceId the device addressed
 * @param issuedAtMillis gateway time of issue, ms since the epoch
 * @param boots one entry per boot, ascending by boot
 */
public record Acknowledgement(String deviceId, long issuedAtMillis, List<BootAck> boots) {
    /** Most boot entries in one acknowledgement. */
    public static final int MAX_BOOTS = 16;

    public Acknowledgement {
        Identifiers.requireValid(deviceId, "device id");
        if (issuedAtMillis < 0) {
            throw new IllegalArgumentException("issue time must not be negative");
        }
        boots = List.copyOf(boots);
        if (boots.isEmpty() || boots.size() > MAX_BOOTS) {
            throw new IllegalArgumentException("an acknowledgement has 1 to " + MAX_BOOTS + " boot entries");
        }
        for (int i = 1; i < boots.size(); i++) {
            if (boots.get(i).boot() <= boots.get(i - 1).boot()) {
                throw new IllegalArgumentException("boot entries must be ascending");
            }
        }
    }

    /** An acknowledgement that one message is stored. */
    public static Acknowledgement stored(String deviceId, long issuedAtMillis, long boot, long seq) {
        return new Acknowledgement(deviceId, issuedAtMillis, List.of(new BootAck(boot, List.of(SeqRange.of(seq)), List.of())));
    }

    /** A rejection of one message. */
    public static Acknowledgement rejected(String deviceId, long issuedAtMillis, long boot, long seq, String code, String message) {
        return new Acknowledgement(deviceId, issuedAtMillis,
                List.of(new BootAck(boot, List.of(), List.of(new Rejection(seq, code, message)))));
    }

    /** True when message (boot, seq) is named as stored. */
    public boolean isStored(long boot, long seq) {
        return boots.stream().anyMatch(b -> b.boot() == boot && b.isStored(seq));
    }

    /** The rejection of message (boot, seq), if this acknowledgement names one. */
    public Optional<Rejection> rejection(long boot, long seq) {
        return boots.stream().filter(b -> b.boot() == boot).flatMap(b -> b.rejected().stream())
                .filter(r -> r.seq() == seq).findFirst();
    }
}
