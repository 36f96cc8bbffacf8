package io.sensorproof.protocol.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A known-answer vector for a signed reading message, stored as JSON under
 * {@code src/test/resources/vectors/}.
 *
 * @param description what the vector shows
 * @param alg algorithm label
 * @param deterministic true when re-signing must reproduce {@code message} byte for byte
 * @param pkcs8 the signing key, PKCS#8 DER hex (test key, never used elsewhere)
 * @param spki the public key, SubjectPublicKeyInfo DER hex
 * @param kid the key identifier, hex
 * @param deviceId SenML base name
 * @param readings the readings (quantity name, value, time in ms)
 * @param boot boot counter
 * @param seq sequence number
 * @param deviceTimeMillis device time header
 * @param toBeSigned the COSE Sig_structure, hex
 * @param message the COSE_Sign1 message, hex
 */
public record MessageVector(String description, String alg, boolean deterministic, String pkcs8, String spki, String kid,
        String deviceId, List<VectorReading> readings, long boot, long seq, long deviceTimeMillis, String toBeSigned, String message) {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One reading of a vector.
     *
     * @param name SenML name
     * @param value value in the SenML unit
     * @param timeMillis time, ms since the epoch
     */
    public record VectorReading(String name, double value, long timeMillis) {
    }

    SignatureAlgorithm algorithm() {
        return SignatureAlgorithm.fromLabel(alg);
    }

    ReadingPack pack() {
        return new ReadingPack(deviceId, readings.stream()
                .map(r -> new Reading(Quantity.bySenmlName(r.name()), r.value(), r.timeMillis())).toList());
    }

    static MessageVector read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), MessageVector.class);
    }

    void write(Path file) throws IOException {
        JSON.writeValue(file.toFile(), this);
    }
}
