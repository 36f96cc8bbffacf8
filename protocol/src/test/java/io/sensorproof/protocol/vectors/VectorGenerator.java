package io.sensorproof.protocol.vectors;

import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.ReadingPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the known-answer vectors of signed reading messages. Keys are generated on the first
 * run and then read back from the existing files, so a rerun reproduces ES256 and Ed25519 messages
 * byte for byte (RFC 6979 and RFC 8032 signatures are deterministic) and re-signs SM2 ones.
 *
 * <p>Run: {@code mvn -pl protocol test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sensorproof.protocol.vectors.VectorGenerator -Dexec.args=src/test/resources/vectors}
 */
public final class VectorGenerator {
    private VectorGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/vectors");
        Files.createDirectories(dir);
        HexFormat hex = HexFormat.of();
        List<MessageVector.VectorReading> one = List.of(new MessageVector.VectorReading("temperature", 4.25, 1_764_000_000_000L));
        List<MessageVector.VectorReading> three = List.of(
                new MessageVector.VectorReading("temperature", -18.5, 1_764_000_000_000L),
                new MessageVector.VectorReading("humidity", 61.2, 1_764_000_000_000L),
                new MessageVector.VectorReading("co2e-register", 5_000_000_123.0, 1_764_000_060_500L));
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            if (alg.isPostQuantum()) {
                continue; // ML-DSA vectors come from an independent implementation: protocol/src/test/node/ml-dsa-vectors.mjs
            }
            String name = "message-" + alg.label().toLowerCase();
            for (var variant : List.of(new Object[] {"-1", one}, new Object[] {"-3", three})) {
                Path file = dir.resolve(name + variant[0] + ".json");
                SigningKey key = Files.exists(file)
                        ? Keys.signingKeyFromPkcs8(hex.parseHex(MessageVector.read(file).pkcs8()))
                        : Keys.generate(alg, new SecureRandom());
                @SuppressWarnings("unchecked")
                List<MessageVector.VectorReading> readings = (List<MessageVector.VectorReading>) variant[1];
                MessageVector draft = new MessageVector("", alg.label(), false, "", "", "", "cold-room-7", readings, 7, 1234,
                        1_764_000_061_000L, "", "");
                ReadingPack pack = draft.pack();
                byte[] message = ReadingMessages.sign(pack, draft.boot(), draft.seq(), draft.deviceTimeMillis(), key);
                CoseSign1 cose = CoseSign1.decode(message, io.sensorproof.protocol.cbor.CborLimits.MESSAGE);
                boolean deterministic = alg != SignatureAlgorithm.SM2_SM3;
                String description = alg.label() + " reading message with " + readings.size() + " record(s); "
                        + (deterministic ? "signature is deterministic, so the bytes must be reproduced exactly"
                                : "SM2 signatures are randomised: the message must verify, bytes are not reproducible");
                new MessageVector(description, alg.label(), deterministic, hex.formatHex(Keys.toPkcs8(key)),
                        hex.formatHex(key.verificationKey().spki()), key.verificationKey().kidHex(), draft.deviceId(), readings,
                        draft.boot(), draft.seq(), draft.deviceTimeMillis(), hex.formatHex(cose.toBeSigned()), hex.formatHex(message))
                        .write(file);
                System.out.println("wrote " + file);
            }
        }
    }
}
