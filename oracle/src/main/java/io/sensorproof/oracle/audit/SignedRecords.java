package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.oracle.bundle.SignedReading;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The signed records of an anchored set's slots, for the checks that need all of them (the batch's times,
 * the claim's inputs): one signature check per message, not per reading (a message carries up to 256). The
 * core {@link Audit} reports each reading whose record is missing or unverified; here such a set simply has
 * no records.
 */
final class SignedRecords {
    private SignedRecords() {
    }

    /**
     * The verified record of every slot, in slot order; empty when any slot's message is missing, unreadable,
     * verified by none of its device's keys, or has no record at the slot's index.
     *
     * @param slots the readings in slot order
     * @param raws the raw messages by {@code device/boot/seq}
     * @param keyGroups every key (group) of a device
     */
    static Optional<List<SignedReading>> every(List<ReadingKey> slots, Map<String, byte[]> raws,
            Function<String, List<KeyGroup>> keyGroups) {
        Map<String, Optional<List<SignedReading>>> byMessage = new HashMap<>();
        List<SignedReading> out = new ArrayList<>();
        for (ReadingKey key : slots) {
            String id = messageId(key.deviceId(), key.boot(), key.seq());
            byte[] raw = raws.get(id);
            if (raw == null) {
                return Optional.empty();
            }
            Optional<SignedReading> signed = byMessage.computeIfAbsent(id, k -> verified(raw, keyGroups.apply(key.deviceId())))
                    .flatMap(records -> key.recordIndex() < records.size() ? Optional.of(records.get(key.recordIndex()))
                            : Optional.empty());
            if (signed.isEmpty() || !signed.get().key().equals(key)) {
                return Optional.empty();
            }
            out.add(signed.get());
        }
        return Optional.of(out);
    }

    /** The key the raw messages are looked up by. */
    static String messageId(String deviceId, long boot, long seq) {
        return deviceId + "/" + boot + "/" + seq;
    }

    private static Optional<List<SignedReading>> verified(byte[] raw, List<KeyGroup> groups) {
        ReadingMessage message;
        try {
            message = ReadingMessages.decode(raw);
        } catch (ProtocolException e) {
            return Optional.empty();
        }
        for (KeyGroup group : groups) {
            try {
                return Optional.of(SignedReading.of(group.verify(message)));
            } catch (ProtocolException e) {
                // another key of the device may be the one; the core reports a message no key verifies
            }
        }
        return Optional.empty();
    }
}
