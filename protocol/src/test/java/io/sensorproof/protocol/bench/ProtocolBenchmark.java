package io.sensorproof.protocol.bench;

import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.KeyResolver;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the ingest hot path on one thread: raw sign and verify per algorithm, and
 * decode + verify (+ value checks) of whole reading messages with 1 and 10 records.
 *
 * <p>Run: {@code mvn -B -pl protocol -Pbench test-compile exec:exec} (results in
 * {@code protocol/target/jmh-protocol.json}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolBenchmark {
    @Param({"ES256", "EdDSA", "SM2-SM3", "ML-DSA-44", "ML-DSA-65"})
    public String alg;

    @Param({"1", "10"})
    public int records;

    private SigningKey key;
    private byte[] toBeSigned;
    private byte[] signature;
    private byte[] message;
    private KeyResolver keys;

    @Setup
    public void setUp() {
        key = TestKeys.key(SignatureAlgorithm.fromLabel(alg));
        VerificationKey verificationKey = key.verificationKey();
        message = ReadingMessages.sign(TestKeys.samplePack(records), 1, 1, 1_764_000_000_000L, key);
        toBeSigned = CoseSign1.decode(message, CborLimits.MESSAGE).toBeSigned();
        signature = CoseSign1.decode(message, CborLimits.MESSAGE).signature();
        keys = kid -> Optional.of(verificationKey);
    }

    /** Signature creation over the Sig_structure of a message. */
    @Benchmark
    public byte[] sign() {
        return Signatures.sign(key, toBeSigned);
    }

    /** Signature verification only. */
    @Benchmark
    public boolean verify() {
        return Signatures.verify(key.verificationKey(), toBeSigned, signature);
    }

    /** Everything the gateway's protocol step does: decode, resolve, verify, check values. */
    @Benchmark
    public ReadingMessage decodeAndVerify() {
        return ReadingMessages.open(message, keys);
    }

    /** Decoding without crypto (size, CBOR profile, COSE, header, SenML). */
    @Benchmark
    public ReadingMessage decodeOnly() {
        return ReadingMessages.decode(message);
    }
}
