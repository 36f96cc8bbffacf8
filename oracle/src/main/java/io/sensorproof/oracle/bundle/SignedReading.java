package io.sensorproof.oracle.bundle;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.zk.claims.CommittedReading;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * One record of a signature-checked message with its key: what a leaf must be derived from.
 *
 * @param key the reading's key
 * @param quantity its quantity
 * @param timeMillis its time (ms)
 * @param value its fixed-point value (protocol §7.2)
 */
public record SignedReading(ReadingKey key, Quantity quantity, long timeMillis, long value) {
    /** The records of a verified message, in record order. */
    public static List<SignedReading> of(ReadingMessage message) {
        if (!message.isVerified()) {
            throw new IllegalArgumentException("the message's signature has not been verified");
        }
        List<SignedReading> result = new ArrayList<>();
        List<Reading> readings = message.pack().readings();
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            result.add(new SignedReading(new ReadingKey(message.pack().deviceId(), message.header().boot(),
                    message.header().seq(), i), r.quantity(), r.timeMillis(), r.fixedValue()));
        }
        return result;
    }

    /** The leaf parts of this reading as the claim builders take them (zk-circuits' claim model). */
    public CommittedReading committed() {
        return new CommittedReading(Identifiers.deviceField(key.deviceId()), key.boot(), key.seq(), key.recordIndex(),
                quantity.code(), timeMillis, value);
    }

    /** The leaf hash (protocol §7.4). */
    public BigInteger leaf() {
        return committed().fields().hash();
    }
}
