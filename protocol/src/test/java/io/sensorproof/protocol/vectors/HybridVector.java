package io.sensorproof.protocol.vectors;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A known-answer vector for a hybrid reading message (COSE_Sign with a classical and an ML-DSA
 * signature, ADR 029), stored as JSON under {@code src/test/resources/vectors/}. Both signatures are
 * deterministic (RFC 6979 or RFC 8032, and ML-DSA's deterministic variant), so re-signing must
 * reproduce {@code message} byte for byte.
 *
 * @param description what the vector shows and where its keys come from
 * @param classicalAlg label of the first signature's algorithm (ES256 or EdDSA)
 * @param postQuantumAlg label of the second signature's algorithm (ML-DSA-44 or ML-DSA-65)
 * @param classicalPkcs8 the classical signing key, PKCS#8 DER hex (test key)
 * @param postQuantumPkcs8 the ML-DSA signing key, seed-only PKCS#8 DER hex (test key)
 * @param classicalKid kid of the classical key, hex
 * @param postQuantumKid kid of the ML-DSA key, hex
 * @param deviceId SenML base name
 * @param readings the readings
 * @param boot boot counter
 * @param seq sequence number
 * @param deviceTimeMillis device time header
 * @param classicalToBeSigned the Sig_structure of the classical signature, hex
 * @param postQuantumToBeSigned the Sig_structure of the ML-DSA signature, hex
 * @param message the COSE_Sign message, hex
 */
public record HybridVector(String description, String classicalAlg, String postQuantumAlg, String classicalPkcs8,
        String postQuantumPkcs8, String classicalKid, String postQuantumKid, String deviceId, List<MessageVector.VectorReading> readings,
        long boot, long seq, long deviceTimeMillis, String classicalToBeSigned, String postQuantumToBeSigned, String message) {

    ReadingPack pack() {
        return new ReadingPack(deviceId, readings.stream()
                .map(r -> new Reading(Quantity.bySenmlName(r.name()), r.value(), r.timeMillis())).toList());
    }

    static HybridVector read(Path file) throws IOException {
        return MessageVector.JSON.readValue(file.toFile(), HybridVector.class);
    }

    void write(Path file) throws IOException {
        MessageVector.JSON.writeValue(file.toFile(), this);
    }
}
