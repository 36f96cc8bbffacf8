package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.groth16.G1Coordinates;
import io.sensorproof.zk.groth16.G2Coordinates;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationKey;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proofs of the Java prover on the small test circuits, compiled by zokrates-js (snarkjs R1CS and
 * witness) with snarkjs keys from a 2⁸ powers of tau (beacons only, cached in target/), and with a
 * key that received a fresh random contribution, and on the claim circuits with the build's keys: snarkjs {@code groth16 verify}, the Java verifier
 * the Solidity verifier exported from the zkey (on anvil) and the ZoKrates JSON round trip accept them; a changed witness gives a proof that snarkjs
 * rejects and that the prover refuses.
 */
class JavaProverIT {
    private static final List<String> CIRCUITS = List.of("square1", "cube1", "linear4", "sum8");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static Path out;
    private static Groth16Prover single;
    private static Groth16Prover dual;

    @BeforeAll
    static void build() throws Exception {
        out = ProverFixtures.cache();
        List<String> args = new ArrayList<>(List.of("build", out.toString(), "8", "--contribute"));
        args.addAll(CIRCUITS);
        ProverFixtures.node(15, args.toArray(new String[0]));
        single = Groth16Prover.create(1);
        dual = Groth16Prover.create(2);
    }

    @AfterAll
    static void stop() {
        single.close();
        dual.close();
    }

    private static byte[] read(String circuit, String file) throws Exception {
        return Files.readAllBytes(out.resolve(circuit).resolve(file));
    }

    /** The witness with the first private value changed (it is constrained in every test circuit). */
    private static Witness tampered(Witness w, int nPublic) {
        BigInteger[] values = new BigInteger[w.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = w.value(i);
        }
        values[nPublic + 1] = values[nPublic + 1].add(BigInteger.ONE);
        return Witness.of(values);
    }

    @Test
    void snarkjsAndTheJavaVerifierAcceptJavaProofsAndRejectAWrongWitness() throws Exception {
        ArrayNode manifest = MAPPER.createArrayNode();
        Map<String, Boolean> expected = new HashMap<>();
        Path proofs = Files.createDirectories(out.resolve("proofs"));
        for (String circuit : CIRCUITS) {
            for (String keyName : List.of("circuit", "contributed")) {
                ProvingKey key = ProvingKey.read(read(circuit, keyName + ".zkey"));
                String vkFile = keyName.equals("circuit") ? "verification_key.json" : "contributed_vk.json";
                assertSameKey(key.verificationKey(), MAPPER.readTree(read(circuit, vkFile)));
                byte[] wtns = read(circuit, "witness.wtns");
                for (Groth16Prover prover : List.of(single, dual)) {
                    Proof proof = proveWithEitherMsm(prover, key, Witness.read(wtns));
                    String name = circuit + "-" + keyName + "-" + (prover == single ? 1 : 2);
                    // the ZoKrates JSON the pool returns today parses and verifies with the key's own verifier
                    assertThat(new Groth16Verifier(key.verificationKey()).verify(ZokratesJson.parseProof(proof.toZokratesJson()))).isTrue();
                    write(manifest, expected, proofs, name, out.resolve(circuit).resolve(vkFile), out.resolve(circuit).resolve(keyName + ".zkey"), proof, true);
                }
                Witness wrong = tampered(Witness.read(wtns), key.nPublic());
                Proof bad = single.proveUnchecked(key, wrong);
                assertThat(key.verifier().verify(bad.toGroth16Proof())).isFalse();
                write(manifest, expected, proofs, circuit + "-" + keyName + "-wrong", out.resolve(circuit).resolve(vkFile),
                        out.resolve(circuit).resolve(keyName + ".zkey"), bad, false);
                assertThatThrownBy(() -> single.prove(key, wrong))
                        .isInstanceOfSatisfying(ProverFailure.class, e -> assertThat(e.code()).isEqualTo(ProverErrorCode.PROOF_REJECTED));
            }
        }
        assertVerdicts(proofs, manifest, expected);
    }

    /**
     * The claim circuits with the keys the build made ({@code build-circuits.mjs}'s cache, the keys the
     * pool proves with; no second key build): the example witness satisfies the R1CS, the Java proofs
     * on 1 and 2 threads verify with the build's ZoKrates verification key in Java, with snarkjs and with
     * the Solidity verifier exported from the zkey on anvil; a witness with one private value changed
     * violates the R1CS, and its proof is rejected by all three.
     */
    @Test
    void claimCircuitProofsVerifyWithSnarkjsTheJavaVerifierAndSolidity() throws Exception {
        Path cache = CircuitBuild.ensureBuilt().cache();
        Path claims = out.resolve("claims");
        List<String> circuits = List.of("excursion", "emissions");
        List<String> args = new ArrayList<>(List.of("claims", claims.toString(), cache.toString()));
        args.addAll(circuits);
        ProverFixtures.node(15, args.toArray(new String[0]));
        ArrayNode manifest = MAPPER.createArrayNode();
        Map<String, Boolean> expected = new HashMap<>();
        Path proofs = Files.createDirectories(claims.resolve("proofs"));
        for (String circuit : circuits) {
            Path dir = claims.resolve(circuit);
            ProvingKey key = ProvingKey.read(dir.resolve("circuit.zkey"));
            assertSameKey(key.verificationKey(), MAPPER.readTree(dir.resolve("verification_key.json").toFile()));
            Groth16Verifier built = Groth16Verifier.fromJson(Files.readString(cache.resolve(circuit).resolve("verification.key")));
            R1cs r1cs = R1cs.read(dir.resolve("circuit.r1cs"));
            Witness witness = Witness.read(Files.readAllBytes(dir.resolve("witness.wtns")));
            assertThat(r1cs.firstUnsatisfied(witness)).as(circuit).isEqualTo(-1);
            for (Groth16Prover prover : List.of(single, dual)) {
                Proof proof = proveWithEitherMsm(prover, key, witness);
                assertThat(built.verify(ZokratesJson.parseProof(proof.toZokratesJson()))).as(circuit).isTrue();
                write(manifest, expected, proofs, circuit + "-" + (prover == single ? 1 : 2), dir.resolve("verification_key.json"),
                        dir.resolve("circuit.zkey"), proof, true);
            }
            Witness wrong = tampered(witness, key.nPublic());
            assertThat(r1cs.firstUnsatisfied(wrong)).as(circuit).isNotNegative();
            Proof bad = single.proveUnchecked(key, wrong);
            assertThat(built.verify(bad.toGroth16Proof())).isFalse();
            write(manifest, expected, proofs, circuit + "-wrong", dir.resolve("verification_key.json"), dir.resolve("circuit.zkey"), bad, false);
        }
        assertVerdicts(proofs, manifest, expected);
    }

    /**
     * On 1 thread with the per-window MSMs (no fixed-base tables: none are started), on 2 threads with the key's
     * fixed-base tables built first, so that snarkjs and Solidity check proofs of both MSM paths (ADR 045, 2026-12-05).
     */
    private static Proof proveWithEitherMsm(Groth16Prover prover, ProvingKey key, Witness witness) {
        try {
            if (prover == single) {
                Groth16Prover.fixedBase = false;
            } else {
                prover.precompute(key);
            }
            return prover.prove(key, witness);
        } finally {
            Groth16Prover.fixedBase = true;
        }
    }

    /** snarkjs {@code groth16 verify} and the exported Solidity verifier on anvil give the expected verdict on every proof. */
    private static void assertVerdicts(Path proofs, ArrayNode manifest, Map<String, Boolean> expected) throws Exception {
        Path manifestFile = proofs.resolve("manifest.json");
        Files.writeString(manifestFile, manifest.toPrettyString());
        JsonNode verdicts = MAPPER.readTree(ProverFixtures.node(5, "verify", manifestFile.toString()));
        assertThat(verdicts.size()).isEqualTo(expected.size());
        for (JsonNode verdict : verdicts) {
            String name = verdict.get("name").asText();
            assertThat(verdict.get("snarkjs").isBoolean()).as(name + ": " + verdict).isTrue();
            assertThat(verdict.get("snarkjs").asBoolean()).as(name).isEqualTo(expected.get(name));
        }
        // the Solidity verifier exported from each zkey, deployed on anvil, gives the same verdicts
        JsonNode onChain = MAPPER.readTree(ProverFixtures.node(5, "solidity", manifestFile.toString()));
        assertThat(onChain.size()).isEqualTo(expected.size());
        for (JsonNode verdict : onChain) {
            String name = verdict.get("name").asText();
            assertThat(verdict.get("solidity").asBoolean()).as(name + " on anvil").isEqualTo(expected.get(name));
        }
    }

    @Test
    void refusesMismatchedAndDamagedInputsWithStableCodes() throws Exception {
        ProvingKey square = ProvingKey.read(read("square1", "circuit.zkey"));
        byte[] sumWitness = read("sum8", "witness.wtns");
        assertCode(() -> single.prove(square, sumWitness), ProverErrorCode.WITNESS_MISMATCH);

        byte[] zkey = read("square1", "circuit.zkey");
        assertCode(() -> ProvingKey.read(Arrays.copyOf(zkey, zkey.length - 1)), ProverErrorCode.TRUNCATED);
        assertCode(() -> ProvingKey.read(Arrays.copyOf(zkey, 200)), ProverErrorCode.TRUNCATED);
        byte[] wrongMagic = zkey.clone();
        wrongMagic[0] = 'w';
        assertCode(() -> ProvingKey.read(wrongMagic), ProverErrorCode.MALFORMED_FILE);
        // section 2 (the Groth16 header) starts after the magic, version, count and section 1 (4 bytes)
        int header = findSection(zkey, 2);
        byte[] otherPrime = zkey.clone();
        otherPrime[header + 4] ^= 1;
        assertCode(() -> ProvingKey.read(otherPrime), ProverErrorCode.WRONG_CURVE);
        byte[] otherProtocol = zkey.clone();
        otherProtocol[findSection(zkey, 1)] = 2;
        assertCode(() -> ProvingKey.read(otherProtocol), ProverErrorCode.UNSUPPORTED_PROTOCOL);
        byte[] offCurve = zkey.clone();
        // the first H point's x coordinate (section 9), changed in its lowest limb
        offCurve[findSection(zkey, 9)] ^= 1;
        assertCode(() -> ProvingKey.read(offCurve), ProverErrorCode.INVALID_POINT);
        byte[] badCoefficient = zkey.clone();
        // first coefficient: matrix (uint32) after the count; matrix 2 does not exist
        badCoefficient[findSection(zkey, 4) + 4] = 2;
        assertCode(() -> ProvingKey.read(badCoefficient), ProverErrorCode.BAD_COEFFICIENT);
    }

    private static int findSection(byte[] file, int type) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(8);
        int position = 12;
        for (int i = 0; i < count; i++) {
            int t = b.getInt(position);
            long size = b.getLong(position + 4);
            if (t == type) {
                return position + 12;
            }
            position += 12 + (int) size;
        }
        throw new IllegalArgumentException("no section " + type);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ProverErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ProverFailure.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    private static void write(ArrayNode manifest, Map<String, Boolean> expected, Path dir, String name, Path vk, Path zkey, Proof proof,
            boolean valid)
            throws Exception {
        Path proofFile = dir.resolve(name + ".proof.json");
        Path publicFile = dir.resolve(name + ".public.json");
        Files.writeString(proofFile, proof.toSnarkjsJson());
        Files.writeString(publicFile, proof.toSnarkjsPublicJson());
        manifest.addObject().put("name", name).put("vk", vk.toString()).put("zkey", zkey.toString()).put("proof", proofFile.toString()).put("public", publicFile.toString());
        expected.put(name, valid);
    }

    /** The verification key read from the zkey equals the one snarkjs exports (decimal strings, G2 as [c0, c1]). */
    private static void assertSameKey(VerificationKey key, JsonNode snarkjs) {
        assertThat(g1(key.alpha())).isEqualTo(dec(snarkjs.get("vk_alpha_1"), 2));
        assertThat(g2(key.beta())).isEqualTo(dec2(snarkjs.get("vk_beta_2")));
        assertThat(g2(key.gamma())).isEqualTo(dec2(snarkjs.get("vk_gamma_2")));
        assertThat(g2(key.delta())).isEqualTo(dec2(snarkjs.get("vk_delta_2")));
        assertThat(key.gammaAbc()).hasSize(snarkjs.get("IC").size());
        for (int i = 0; i < key.gammaAbc().size(); i++) {
            assertThat(g1(key.gammaAbc().get(i))).isEqualTo(dec(snarkjs.get("IC").get(i), 2));
        }
    }

    private static List<BigInteger> g1(G1Coordinates c) {
        return List.of(c.x(), c.y());
    }

    private static List<BigInteger> g2(G2Coordinates c) {
        return List.of(c.x0(), c.x1(), c.y0(), c.y1());
    }

    private static List<BigInteger> dec(JsonNode array, int n) {
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(new BigInteger(array.get(i).asText()));
        }
        return values;
    }

    private static List<BigInteger> dec2(JsonNode array) {
        List<BigInteger> values = new ArrayList<>(dec(array.get(0), 2));
        values.addAll(dec(array.get(1), 2));
        return values;
    }
}
