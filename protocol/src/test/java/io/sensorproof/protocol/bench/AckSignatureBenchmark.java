package io.sensorproof.protocol.bench;

import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The acknowledgement signature's options (ADR 047, issue 18): sign and verify of a 120-byte
 * to-be-signed (about an acknowledgement's Sig_structure) with ES256 through the project's
 * BouncyCastle path ({@link Signatures}: RFC 6979 deterministic ECDSA), ES256 through the JDK's
 * SunEC ({@code SHA256withECDSAinP1363Format}, randomised nonce), Ed25519 through the project's
 * BouncyCastle path and Ed25519 through SunEC. One run, so the ratios are from the same machine state.
 *
 * <pre>
 * mvn -B -o -pl protocol test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp protocol/target/test-classes:protocol/target/classes:$(cat protocol/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main -rf json -rff protocol/target/ack-signature-jmh.json AckSignatureBenchmark
 * </pre>
 * (also run by {@code -Pbench}, whose pattern {@code io.sensorproof.protocol.bench} matches it)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AckSignatureBenchmark {
    @Param({"BC-ES256", "SunEC-ES256", "BC-Ed25519", "SunEC-Ed25519"})
    public String impl;

    private byte[] toBeSigned;
    private byte[] signature;
    private SigningKey bcKey;
    private VerificationKey bcVerificationKey;
    private KeyPair jdkKeys;
    private String jdkAlgorithm;

    @Setup
    public void setUp() throws GeneralSecurityException {
        toBeSigned = new byte[120];
        new Random(47).nextBytes(toBeSigned);
        switch (impl) {
            case "BC-ES256" -> bcKey = TestKeys.key(SignatureAlgorithm.fromLabel("ES256"));
            case "BC-Ed25519" -> bcKey = TestKeys.key(SignatureAlgorithm.fromLabel("EdDSA"));
            case "SunEC-ES256" -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                jdkKeys = generator.generateKeyPair();
                jdkAlgorithm = "SHA256withECDSAinP1363Format";
            }
            case "SunEC-Ed25519" -> {
                jdkKeys = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
                jdkAlgorithm = "Ed25519";
            }
            default -> throw new IllegalArgumentException(impl);
        }
        if (bcKey != null) {
            bcVerificationKey = bcKey.verificationKey();
        }
        signature = sign();
        if (!verify()) {
            throw new IllegalStateException(impl + ": own signature does not verify");
        }
    }

    @Benchmark
    public byte[] sign() throws GeneralSecurityException {
        if (bcKey != null) {
            return Signatures.sign(bcKey, toBeSigned);
        }
        Signature s = Signature.getInstance(jdkAlgorithm, "SunEC");
        s.initSign(jdkKeys.getPrivate());
        s.update(toBeSigned);
        return s.sign();
    }

    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        if (bcKey != null) {
            return Signatures.verify(bcVerificationKey, toBeSigned, signature);
        }
        Signature s = Signature.getInstance(jdkAlgorithm, "SunEC");
        s.initVerify(jdkKeys.getPublic());
        s.update(toBeSigned);
        return s.verify(signature);
    }
}
