package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device with a real key that signs real reading messages and turns them into the
 * {@link AcceptedMessage}s the pipeline would hand to the store (digest from the decoded message,
 * fixed-point values, late flags as with a 15 min {@code lateAfter}).
 */
final class SigningDevice {
    static final SecureRandom RANDOM = new SecureRandom();
    static final Duration LATE_AFTER = Duration.ofMinutes(15);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String tenant;
    final String id;
    final SigningKey key;

    SigningDevice(String tenant, String id, SigningKey key) {
        this.tenant = tenant;
        this.id = id;
        this.key = key;
    }

    /** A device with a fresh key and an id unique in this JVM and very likely in the database. */
    static SigningDevice fresh(String tenant, SignatureAlgorithm alg) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        return new SigningDevice(tenant, "dev-" + COUNTER.incrementAndGet() + "-" + HexFormat.of().formatHex(suffix),
                Keys.generate(alg, RANDOM));
    }

    String topic() {
        return Topics.up(tenant, id);
    }

    /** Signs the readings and wraps the result as accepted at {@code receivedAt}. */
    AcceptedMessage accepted(long boot, long seq, Instant receivedAt, Reading... readings) {
        Instant deviceTime = receivedAt.minusMillis(1500);
        byte[] raw = ReadingMessages.sign(new ReadingPack(id, List.of(readings)), boot, seq, deviceTime.toEpochMilli(), key);
        return accept(raw, receivedAt);
    }

    /** Wraps signed bytes as the pipeline would. */
    AcceptedMessage accept(byte[] raw, Instant receivedAt) {
        var message = ReadingMessages.decode(raw);
        List<AcceptedReading> list = new ArrayList<>();
        List<Reading> readings = message.pack().readings();
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            Instant time = Instant.ofEpochMilli(r.timeMillis());
            boolean late = Duration.between(time, receivedAt).compareTo(LATE_AFTER) > 0;
            list.add(new AcceptedReading(i, r.quantity(), r.fixedValue(), time, late));
        }
        return new AcceptedMessage(tenant, id, message.header().boot(), message.header().seq(),
                ContentDigest.of(message.contentDigest()), raw, topic(), "mqtt:" + id, receivedAt,
                Instant.ofEpochMilli(message.header().deviceTimeMillis()), list);
    }

    /**
     * A message with one temperature reading of {@code celsius}: the value makes the content. The
     * reading time is a minute before {@code receivedAt} plus {@code boot} seconds and {@code seq} ms,
     * so messages with other keys never share a reading time (the store would refuse them).
     */
    AcceptedMessage temperature(long boot, long seq, double celsius, Instant receivedAt) {
        return accepted(boot, seq, receivedAt, new Reading(Quantity.TEMPERATURE, celsius,
                receivedAt.minusSeconds(60).plusSeconds(boot).plusMillis(seq).toEpochMilli()));
    }
}
