package io.sensorproof.protocol.vectors;

import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Writes the hybrid known-answer vectors from the keys and readings of existing single-signature
 * vectors: the ES256 key of {@code message-es256-3.json} with the ML-DSA-65 key of
 * {@code message-ml-dsa-65-3.json} (made by {@code @noble/post-quantum}), and the Ed25519 key of
 * {@code message-eddsa-1.json} with the ML-DSA-44 key of {@code message-ml-dsa-44-1.json}. Every
 * signature is deterministic, so a rerun must not change the files.
 *
 * <p>Run: {@code mvn -pl protocol test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sensorproof.protocol.vectors.HybridVectorGenerator -Dexec.args=src/test/resources/vectors}
 */
public final class HybridVectorGenerator {
    private HybridVectorGenerator() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/vectors");
        write(dir, "message-es256-3.json", "message-ml-dsa-65-3.json", "message-hybrid-es256-ml-dsa-65-3.json");
        write(dir, "message-eddsa-1.json", "message-ml-dsa-44-1.json", "message-hybrid-eddsa-ml-dsa-44-1.json");
    }

    private static void write(Path dir, String classicalFile, String postQuantumFile, String out) throws Exception {
        HexFormat hex = HexFormat.of();
        MessageVector c = MessageVector.read(dir.resolve(classicalFile));
        MessageVector p = MessageVector.read(dir.resolve(postQuantumFile));
        SigningKey classical = Keys.signingKeyFromPkcs8(hex.parseHex(c.pkcs8()));
        SigningKey postQuantum = Keys.signingKeyFromPkcs8(hex.parseHex(p.pkcs8()));
        byte[] message = ReadingMessages.signHybridDeterministic(c.pack(), c.boot(), c.seq(), c.deviceTimeMillis(), classical, postQuantum);
        CoseSign cose = CoseSign.fromItem(StrictCbor.decode(message, CborLimits.MESSAGE));
        String description = "hybrid reading message (COSE_Sign, ADR 029) with " + c.readings().size() + " record(s): the "
                + classical.algorithm().label() + " key and readings of " + classicalFile + ", then the " + postQuantum.algorithm().label()
                + " key of " + postQuantumFile + " (@noble/post-quantum); both signatures deterministic, bytes must be reproduced exactly";
        new HybridVector(description, classical.algorithm().label(), postQuantum.algorithm().label(), c.pkcs8(), p.pkcs8(),
                classical.verificationKey().kidHex(), postQuantum.verificationKey().kidHex(), c.deviceId(), c.readings(), c.boot(), c.seq(),
                c.deviceTimeMillis(), hex.formatHex(cose.toBeSigned(0)), hex.formatHex(cose.toBeSigned(1)), hex.formatHex(message))
                .write(dir.resolve(out));
        System.out.println("wrote " + dir.resolve(out));
    }
}
