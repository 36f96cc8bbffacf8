package io.sensorproof.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.authlete.cbor.CBORBoolean;
import com.authlete.cbor.CBORByteArray;
import com.authlete.cbor.CBORDouble;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORLong;
import com.authlete.cbor.CBORNull;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import com.authlete.cbor.CBORTaggedItem;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.VerificationKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Structure-aware fuzzing of the decoders: CBOR-shaped inputs (random item trees, COSE_Sign1
 * shells around random headers and SenML-like payloads, and byte-level mutations of valid
 * messages). The only thing allowed to escape is {@link ProtocolException}. Linearity: the
 * pre-check visits every data item once and each item takes at least one byte, so the items it
 * counts never exceed the input length.
 */
class DecoderFuzzTest {
    private static final VerificationKey KEY = TestKeys.key(SignatureAlgorithm.ES256).verificationKey();
    private static final byte[] VALID = ReadingMessages.sign(TestKeys.samplePack(4), 1, 2, 1_764_000_000_000L,
            TestKeys.key(SignatureAlgorithm.ES256));
    private static final VerificationKey ML_DSA_KEY = TestKeys.key(SignatureAlgorithm.ML_DSA_44).verificationKey();
    private static final byte[] VALID_ML_DSA = ReadingMessages.sign(TestKeys.samplePack(4), 1, 2, 1_764_000_000_000L,
            TestKeys.key(SignatureAlgorithm.ML_DSA_44));

    private static final VerificationKey ML_DSA_65_KEY = TestKeys.key(SignatureAlgorithm.ML_DSA_65).verificationKey();
    private static final byte[] VALID_ML_DSA_65 = ReadingMessages.sign(TestKeys.samplePack(4), 1, 2, 1_764_000_000_000L,
            TestKeys.key(SignatureAlgorithm.ML_DSA_65));
    /** ES256 + ML-DSA-65: the hybrid pair of the benchmarks and the load generator. */
    private static final VerificationKey HYBRID_65_CLASSICAL = TestKeys.key(SignatureAlgorithm.ES256).verificationKey();
    private static final byte[] VALID_HYBRID_65 = ReadingMessages.signHybrid(TestKeys.samplePack(4), 1, 2, 1_764_000_000_000L,
            TestKeys.key(SignatureAlgorithm.ES256), TestKeys.key(SignatureAlgorithm.ML_DSA_65));

    private static final VerificationKey HYBRID_CLASSICAL = TestKeys.key(SignatureAlgorithm.EDDSA).verificationKey();
    private static final byte[] VALID_HYBRID = ReadingMessages.signHybrid(TestKeys.samplePack(4), 1, 2, 1_764_000_000_000L,
            TestKeys.key(SignatureAlgorithm.EDDSA), TestKeys.key(SignatureAlgorithm.ML_DSA_44));

    private static void decodeEverything(byte[] bytes) {
        decodeEverything(bytes, KEY);
    }

    private static void decodeEverything(byte[] bytes, VerificationKey key) {
        try {
            ReadingMessages.open(bytes, kid -> Optional.of(key));
        } catch (ProtocolException expected) {
            // typed refusal is the only acceptable failure
        }
        try {
            AcknowledgementCodec.verify(bytes, key);
        } catch (ProtocolException expected) {
            // as above
        }
        try {
            int items = StrictCbor.check(bytes, CborLimits.MESSAGE);
            assertThat(items).isLessThanOrEqualTo(bytes.length);
        } catch (ProtocolException expected) {
            // as above
        }
    }

    @Property(tries = 3000)
    void randomCborTreesOnlyRaiseTypedErrors(@ForAll("items") CBORItem item) {
        decodeEverything(item.encode());
    }

    @Property(tries = 3000)
    void coseShellsAroundRandomContentOnlyRaiseTypedErrors(@ForAll("coseShells") CBORItem item) {
        decodeEverything(item.encode());
    }

    @Property(tries = 3000)
    void mutatedValidMessagesOnlyRaiseTypedErrors(@ForAll("mutations") byte[] bytes) {
        decodeEverything(bytes);
    }

    @Property(tries = 1000)
    void mutatedMlDsaMessagesOnlyRaiseTypedErrors(@ForAll("mlDsaMutations") byte[] bytes) {
        decodeEverything(bytes, ML_DSA_KEY);
    }

    @Property(tries = 300)
    void coseSignShellsAroundRandomContentOnlyRaiseTypedErrors(@ForAll("coseSignShells") CBORItem item) {
        decodeEverything(item.encode());
    }

    @Property(tries = 300)
    void mutatedHybridMessagesOnlyRaiseTypedErrors(@ForAll("hybridMutations") byte[] bytes) {
        try {
            ReadingMessages.open(bytes, kid -> java.util.Arrays.equals(kid, HYBRID_CLASSICAL.kid()) ? Optional.of(HYBRID_CLASSICAL)
                    : Optional.of(ML_DSA_KEY));
        } catch (ProtocolException expected) {
            // typed refusal is the only acceptable failure
        }
        decodeEverything(bytes, ML_DSA_KEY);
    }

    @Property(tries = 500)
    void mutatedMlDsa65MessagesOnlyRaiseTypedErrors(@ForAll("mlDsa65Mutations") byte[] bytes) {
        decodeEverything(bytes, ML_DSA_65_KEY);
    }

    @Property(tries = 300)
    void mutatedEs256MlDsa65HybridMessagesOnlyRaiseTypedErrors(@ForAll("hybrid65Mutations") byte[] bytes) {
        try {
            ReadingMessages.open(bytes, kid -> java.util.Arrays.equals(kid, HYBRID_65_CLASSICAL.kid()) ? Optional.of(HYBRID_65_CLASSICAL)
                    : Optional.of(ML_DSA_65_KEY));
        } catch (ProtocolException expected) {
            // typed refusal is the only acceptable failure
        }
        decodeEverything(bytes, ML_DSA_65_KEY);
    }

    @Property(tries = 500)
    void arbitraryBytesOnlyRaiseTypedErrors(@ForAll byte[] bytes) {
        decodeEverything(bytes);
    }

    @Provide
    Arbitrary<CBORItem> items() {
        return item(4);
    }

    private Arbitrary<CBORItem> item(int depth) {
        Arbitrary<CBORItem> scalars = Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (CBORItem) new CBORInteger(i)),
                Arbitraries.longs().map(l -> (CBORItem) new CBORLong(l)),
                Arbitraries.doubles().injectDuplicates(0.1).map(d -> (CBORItem) new CBORDouble(d)),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0, 1e300).map(d -> (CBORItem) new CBORDouble(d)),
                Arbitraries.strings().ofMaxLength(40).map(s -> (CBORItem) new CBORString(s)),
                Arbitraries.of("temperature", "humidity", "co2e-register", "co2e", "Cel", "%RH", "g", "kg", "cold-room-7").map(s -> (CBORItem) new CBORString(s)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(b -> (CBORItem) new CBORByteArray(b)),
                Arbitraries.of(CBORNull.INSTANCE, CBORBoolean.TRUE, CBORBoolean.FALSE));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<CBORItem> child = Arbitraries.lazy(() -> item(depth - 1));
        Arbitrary<CBORItem> keys = Arbitraries.oneOf(
                Arbitraries.of(-65539, -65538, -65537, -2, 0, 1, 2, 3, 4, 6).map(i -> (CBORItem) new CBORInteger(i)),
                Arbitraries.strings().ofMaxLength(4).map(s -> (CBORItem) new CBORString(s)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, scalars),
                net.jqwik.api.Tuple.of(2, child.list().ofMaxSize(6).map(l -> (CBORItem) new CBORItemList(l))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(keys, child).as(CBORPair::new).list().ofMaxSize(6)
                        .map(l -> (CBORItem) new CBORPairList(l))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(Arbitraries.of(18, 16, 1, 24, 0), child).as(CBORTaggedItem::new)
                        .map(t -> (CBORItem) t)));
    }

    @Provide
    Arbitrary<CBORItem> coseShells() {
        Arbitrary<CBORItem> protectedHeader = item(2).map(h -> (CBORItem) new CBORByteArray(h.encode()));
        Arbitrary<CBORItem> payload = Arbitraries.oneOf(
                item(3).map(p -> (CBORItem) new CBORByteArray(p.encode())),
                Arbitraries.just((CBORItem) CBORNull.INSTANCE));
        Arbitrary<CBORItem> signature = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(60).ofMaxSize(68),
                // ML-DSA-sized signatures, filled in one call rather than byte by byte (cheap to generate)
                Arbitraries.of(2419, 2420, 3309, 3310).flatMap(n -> Arbitraries.randomValue(r -> {
                    byte[] b = new byte[n];
                    r.nextBytes(b);
                    return b;
                }))).map(b -> (CBORItem) new CBORByteArray(b));
        return Combinators.combine(protectedHeader, item(1), payload, signature)
                .as((p, u, pl, s) -> (CBORItem) new CBORTaggedItem(18, new CBORItemList(p, u, pl, s)));
    }

    /** COSE_Sign (tag 98) shells: random body, 0 to 3 COSE_Signatures of random headers and signature sizes. */
    @Provide
    Arbitrary<CBORItem> coseSignShells() {
        Arbitrary<CBORItem> header = item(2).map(h -> (CBORItem) new CBORByteArray(h.encode()));
        Arbitrary<CBORItem> signerHeader = Arbitraries.oneOf(header, Arbitraries.of(-7, -8, -48, -49, -999).map(alg ->
                (CBORItem) new CBORByteArray(new CBORPairList(java.util.List.of(new CBORPair(new CBORInteger(1), new CBORInteger(alg)),
                        new CBORPair(new CBORInteger(4), new CBORByteArray(new byte[16])))).encode())));
        Arbitrary<CBORItem> signature = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(70),
                Arbitraries.of(2420, 3309).flatMap(n -> Arbitraries.randomValue(r -> {
                    byte[] b = new byte[n];
                    r.nextBytes(b);
                    return b;
                }))).map(b -> (CBORItem) new CBORByteArray(b));
        Arbitrary<CBORItem> coseSignature = Arbitraries.oneOf(
                Combinators.combine(signerHeader, item(1), signature).as((h, u, s) -> (CBORItem) new CBORItemList(h, u, s)),
                item(2));
        Arbitrary<CBORItem> signatures = coseSignature.list().ofMaxSize(3).map(l -> (CBORItem) new CBORItemList(l));
        Arbitrary<CBORItem> payload = Arbitraries.oneOf(
                Arbitraries.just((CBORItem) new CBORByteArray(io.sensorproof.protocol.senml.SenmlCodec.encode(TestKeys.samplePack(2)))),
                item(3).map(p -> (CBORItem) new CBORByteArray(p.encode())),
                Arbitraries.just((CBORItem) CBORNull.INSTANCE));
        return Combinators.combine(header, item(1), payload, signatures)
                .as((p, u, pl, s) -> (CBORItem) new CBORTaggedItem(98, new CBORItemList(p, u, pl, s)));
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        return mutationsOf(VALID);
    }

    @Provide
    Arbitrary<byte[]> hybridMutations() {
        return mutationsOf(VALID_HYBRID);
    }

    @Provide
    Arbitrary<byte[]> mlDsaMutations() {
        return mutationsOf(VALID_ML_DSA);
    }

    @Provide
    Arbitrary<byte[]> mlDsa65Mutations() {
        return mutationsOf(VALID_ML_DSA_65);
    }

    @Provide
    Arbitrary<byte[]> hybrid65Mutations() {
        return mutationsOf(VALID_HYBRID_65);
    }

    private static Arbitrary<byte[]> mutationsOf(byte[] valid) {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, valid.length - 1);
        return Arbitraries.oneOf(
                Combinators.combine(position, Arbitraries.bytes()).as((p, b) -> {
                    byte[] c = valid.clone();
                    c[p] = b;
                    return c;
                }),
                position.map(p -> java.util.Arrays.copyOf(valid, p)),
                Combinators.combine(position, Arbitraries.bytes().array(byte[].class).ofMaxSize(8)).as((p, ins) -> {
                    List<Byte> out = new ArrayList<>();
                    for (int i = 0; i < valid.length; i++) {
                        if (i == p) {
                            for (byte b : ins) {
                                out.add(b);
                            }
                        }
                        out.add(valid[i]);
                    }
                    byte[] c = new byte[out.size()];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = out.get(i);
                    }
                    return c;
                }),
                Combinators.combine(position, position).as((a, b) -> {
                    byte[] c = valid.clone();
                    byte t = c[a];
                    c[a] = c[b];
                    c[b] = t;
                    return c;
                }));
    }
}
