package io.sensorproof.protocol.bench;

import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.message.KeyResolver;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import java.util.Arrays;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of the ingest hot path on one thread: raw sign and verify per algorithm, and
 * decode + verify (+ value checks) of whole reading messages with 1 and 10 records.
 *
 * <p>{@code ES256+ML-DSA-65} is the hybrid message (COSE_Sign with two signatures, ADR 029): sign
 * and verify make and check both signatures (each over its own Sig_structure), decode + verify opens
 * the COSE_Sign message with both keys.
 *
 * <p>Run: {@code mvn -B -pl protocol -Pbench test-compile exec:exec} (results in
 * {@code protocol/target/jmh-protocol.json}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolBenchmark {
    @Param({"ES256", "EdDSA", "SM2-SM3", "ML-DSA-44", "ML-DSA-65", "ES256+ML-DSA-65"})
    public String alg;

    @Param({"1", "10"})
    public int records;

    private SigningKey key;
    private byte[] toBeSigned;
    private byte[] signature;
    // hybrid only: the ML-DSA signer
    private SigningKey postQuantumKey;
    private byte[] postQuantumToBeSigned;
    private byte[] postQuantumSignature;
    private byte[] message;
    private KeyResolver keys;

    @Setup
    public void setUp() {
        String[] algs = alg.split("\\+");
        key = TestKeys.key(SignatureAlgorithm.fromLabel(algs[0]));
        VerificationKey verificationKey = key.verificationKey();
        if (algs.length == 2) {
            postQuantumKey = TestKeys.key(SignatureAlgorithm.fromLabel(algs[1]));
            VerificationKey postQuantum = postQuantumKey.verificationKey();
            message = ReadingMessages.signHybrid(TestKeys.samplePack(records), 1, 1, 1_764_000_000_000L, key, postQuantumKey);
            CoseSign cose = CoseSign.fromItem(StrictCbor.decode(message, CborLimits.MESSAGE));
            toBeSigned = cose.toBeSigned(0);
            signature = cose.signatures().get(0).signature();
            postQuantumToBeSigned = cose.toBeSigned(1);
            postQuantumSignature = cose.signatures().get(1).signature();
            keys = kid -> Optional.of(Arrays.equals(kid, postQuantum.kid()) ? postQuantum : verificationKey);
            return;
        }
        message = ReadingMessages.sign(TestKeys.samplePack(records), 1, 1, 1_764_000_000_000L, key);
        toBeSigned = CoseSign1.decode(message, CborLimits.MESSAGE).toBeSigned();
        signature = CoseSign1.decode(message, CborLimits.MESSAGE).signature();
        keys = kid -> Optional.of(verificationKey);
    }

    /** Signature creation over the Sig_structure of a message (both signatures of a hybrid one). */
    @Benchmark
    public void sign(Blackhole bh) {
        bh.consume(Signatures.sign(key, toBeSigned));
        if (postQuantumKey != null) {
            bh.consume(Signatures.sign(postQuantumKey, postQuantumToBeSigned));
        }
    }

    /** Signature verification only (both signatures of a hybrid message). */
    @Benchmark
    public boolean verify() {
        boolean ok = Signatures.verify(key.verificationKey(), toBeSigned, signature);
        if (postQuantumKey != null) {
            ok &= Signatures.verify(postQuantumKey.verificationKey(), postQuantumToBeSigned, postQuantumSignature);
        }
        if (!ok) {
            throw new IllegalStateException("signature does not verify");
        }
        return ok;
    }

    /** Everything the gateway's protocol step does: decode, resolve, verify, check values. */
    @Benchmark
    public ReadingMessage decodeAndVerify() {
        return ReadingMessages.open(message, keys);
    }

    /**
     * Decoding and the gateway's per-reading value work without crypto: range checks and fixed-point values of
     * every reading (what {@code IngestPipeline.validate} adds to decoding).
     */
    @Benchmark
    public long decodeAndFixValues() {
        ReadingMessage decoded = ReadingMessages.decode(message);
        decoded.pack().checkValues();
        long sum = 0;
        for (io.sensorproof.protocol.senml.Reading r : decoded.pack().readings()) {
            sum += r.fixedValue();
        }
        return sum;
    }

    /** Decoding without crypto (size, CBOR profile, COSE, header, SenML). */
    @Benchmark
    public ReadingMessage decodeOnly() {
        return ReadingMessages.decode(message);
    }
}
