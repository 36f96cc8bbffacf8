package io.sensorproof.oracle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.RevertDecoder;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.VerificationKey;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * The differential rule: every fixture proof gets the same verdict from the on-chain verifier
 * (the deployed {@code ExcursionClaimVerifier} / {@code EmissionsClaimVerifier}, i.e. ZoKrates' exported
 * Solidity verifier on the EIP-196/197 precompiles of anvil) and from zk-circuits' Java
 * {@link Groth16Verifier}, tampered ones included. For each 9-input fixture it builds: the valid proof;
 * each public input + 1 and + r; each proof coordinate + 1 (usually off the curve) and + p; A negated;
 * B's real and imaginary parts swapped; B's x and y swapped; B a twist point outside G2; A and C swapped; a re-randomised proof;
 * and the proof under the other circuit's verifier. Java says accept / false / a
 * {@link VerificationException} code; the chain says true / false / revert (a named error of the
 * adapter, or no data when a precompile fails and burns the call's gas). A third column calls the exported
 * verifier's own {@code verifyTx} on the same contract (no adapter checks), whose semantics zk-circuits' Java verifier
 * follows today; it is shown for diagnosis, not asserted (the deployed contract is the adapter). Java accepts ⇔ chain returns
 * true is asserted; the table goes to the test output and {@code oracle/target/verdicts.json}.
 */
class ClaimVerdictIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final BigInteger R = new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617");
    private static final BigInteger P = new BigInteger("21888242871839275222246405745257275088696311157297823662689037894645226208583");
    private static final List<String> COORDINATES = List.of("a.x", "a.y", "b.x0", "b.x1", "b.y0", "b.y1", "c.x", "c.y");

    /** One proof variant checked by both verifiers of one circuit. */
    private record Variant(String circuit, String name, ZkProofFile proof, String verifierCircuit, boolean valid) {}

    /** What each verifier said about a variant. */
    record Verdict(String circuit, String variant, String verifier, boolean valid, String java, String chain, boolean agree,
                   String exportedVerifyTx) {}

    /** Test circuits of zk-circuits with a fixture proof and key; square1 and cube1 both have one input. */
    private static final List<String> TEST_CIRCUITS = List.of("square1", "cube1", "linear4", "sum8");

    private static final Map<String, Object> REPORT = new LinkedHashMap<>();

    @AfterAll
    static void writeReport() throws IOException {
        Path out = ZkProofFile.repoFile("oracle/target/verdicts.json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), REPORT);
    }

    @Test
    void everyFixtureVariantGetsTheSameVerdictOnChainAndInJava() throws Exception {
        Credentials caller = ANVIL.account(0);
        Map<String, String> contracts = Map.of(
                RegistryProofs.EXCURSION, ExcursionClaimVerifier.deploy(ANVIL.web3j(), RegistryProofs.txManager(ANVIL, caller),
                        ChainAssertions.GAS).send().getContractAddress(),
                RegistryProofs.EMISSIONS, EmissionsClaimVerifier.deploy(ANVIL.web3j(), RegistryProofs.txManager(ANVIL, caller),
                        ChainAssertions.GAS).send().getContractAddress());
        Map<String, VerificationKey> keys = Map.of(
                RegistryProofs.EXCURSION, RegistryProofs.verificationKey(RegistryProofs.EXCURSION),
                RegistryProofs.EMISSIONS, RegistryProofs.verificationKey(RegistryProofs.EMISSIONS));
        Map<String, Groth16Verifier> java = Map.of(
                RegistryProofs.EXCURSION, new Groth16Verifier(keys.get(RegistryProofs.EXCURSION)),
                RegistryProofs.EMISSIONS, new Groth16Verifier(keys.get(RegistryProofs.EMISSIONS)));
        BigInteger s = RegistryProofs.randomScalar();

        List<Variant> variants = new ArrayList<>();
        for (String circuit : List.of(RegistryProofs.EXCURSION, RegistryProofs.EMISSIONS)) {
            String other = circuit.equals(RegistryProofs.EXCURSION) ? RegistryProofs.EMISSIONS : RegistryProofs.EXCURSION;
            variants.addAll(variantsOf(circuit, other, RegistryProofs.fixture(circuit), keys.get(circuit), s));
        }

        List<Verdict> verdicts = new ArrayList<>();
        for (Variant v : variants) {
            String javaVerdict = javaVerdict(java.get(v.verifierCircuit()), v.proof());
            String chainVerdict = chainVerdict(caller, contracts.get(v.verifierCircuit()), v.proof());
            boolean agree = javaVerdict.equals("accept") == chainVerdict.equals("true");
            String exported = ethCall(caller, contracts.get(v.verifierCircuit()), verifyTxCall(v.proof()));
            verdicts.add(new Verdict(v.circuit(), v.name(), v.verifierCircuit(), v.valid(), javaVerdict, chainVerdict, agree, exported));
        }

        print("claim circuits: Java Groth16Verifier vs the deployed adapter's verifyClaim", verdicts);
        REPORT.put("rerandomisationScalar", s.toString());
        REPORT.put("claimCircuits", verdicts);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(verdicts.stream().filter(v -> !v.agree()).toList())
                .as("variants where one verifier accepts and the other does not (Java accepts <=> chain returns true)")
                .isEmpty();
        soft.assertThat(verdicts.stream().filter(v -> v.valid() != v.java().equals("accept")).toList())
                .as("the valid and re-randomised proofs are accepted by Java, every tampered one refused")
                .isEmpty();
        soft.assertThat(verdicts.stream().filter(v -> v.valid() != v.chain().equals("true")).toList())
                .as("the valid and re-randomised proofs are accepted on chain, every tampered one refused")
                .isEmpty();
        soft.assertThat(verdicts).filteredOn(Verdict::valid).hasSize(4);
        // where both sides have a kind, it lines up: a range error in Java is the adapter's named revert on chain
        soft.assertThat(verdicts).filteredOn(v -> v.java().equals("INPUT_OUT_OF_RANGE")).hasSize(18)
                .allMatch(v -> v.chain().startsWith("revert InputOutOfField"));
        soft.assertThat(verdicts).filteredOn(v -> v.java().equals("COORDINATE_OUT_OF_RANGE"))
                .allMatch(v -> v.chain().startsWith("revert CoordinateOutOfField"));
        soft.assertAll();
    }

    @Test
    void everyTestCircuitFixtureVariantGetsTheSameVerdictFromItsExportedVerifierAndJava() throws Exception {
        Credentials caller = ANVIL.account(0);
        Path compiled = ZkProofFile.repoFile("oracle/target/test-circuit-verifiers.json").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("node",
                ZkProofFile.repoFile("oracle/src/test/node/export-zokrates-verifiers.mjs").toAbsolutePath().toString(), compiled.toString()));
        for (String circuit : TEST_CIRCUITS) {
            command.add(circuit + "=" + testCircuitFile(circuit, "verification.key").toAbsolutePath());
        }
        Process node = new ProcessBuilder(command).inheritIO().start();
        assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("export-zokrates-verifiers.mjs finished").isTrue();
        assertThat(node.exitValue()).as("export-zokrates-verifiers.mjs exit code").isZero();
        JsonNode bins = new ObjectMapper().readTree(compiled.toFile());

        BigInteger s = RegistryProofs.randomScalar();
        Map<String, String> contracts = new LinkedHashMap<>();
        Map<String, Groth16Verifier> java = new LinkedHashMap<>();
        List<Variant> variants = new ArrayList<>();
        for (String circuit : TEST_CIRCUITS) {
            VerificationKey key = ZokratesJson.parseVerificationKey(Files.readString(testCircuitFile(circuit, "verification.key")));
            java.put(circuit, new Groth16Verifier(key));
            contracts.put(circuit, RegistryProofs.deployRaw(ANVIL, caller, bins.path(circuit).path("bin").asText()));
            String other = circuit.equals("square1") ? "cube1" : circuit.equals("cube1") ? "square1" : null;
            variants.addAll(variantsOf(circuit, other, ZkProofFile.read(testCircuitFile(circuit, "proof.json")), key, s));
        }

        List<Verdict> verdicts = new ArrayList<>();
        for (Variant v : variants) {
            String javaVerdict = javaVerdict(java.get(v.verifierCircuit()), v.proof());
            String exported = ethCall(caller, contracts.get(v.verifierCircuit()), verifyTxCall(v.proof()));
            verdicts.add(new Verdict(v.circuit(), v.name(), v.verifierCircuit(), v.valid(), javaVerdict, exported,
                    javaVerdict.equals("accept") == exported.equals("true"), exported));
        }
        print("test circuits: Java Groth16Verifier vs ZoKrates' exported verifyTx (no adapter)", verdicts);
        REPORT.put("testCircuitsRerandomisationScalar", s.toString());
        REPORT.put("testCircuits", verdicts);

        // The exported verifier reads C's y modulo p (it negates C as q - (y mod q)), so "c.y + p" is the
        // same proof to it: a second encoding that our adapters refuse (CoordinateOutOfField). Whether the
        // Java verifier follows the exported code or the adapter there is ClaimVerdictIT's first test's
        // question; here it is only recorded. Every other variant must get the same verdict.
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(verdicts.stream().filter(v -> !v.agree() && !v.variant().equals("c.y + p")).toList())
                .as("variants where one verifier accepts and the other does not").isEmpty();
        soft.assertThat(verdicts.stream().filter(v -> v.valid() && !(v.java().equals("accept") && v.chain().equals("true"))).toList())
                .as("valid and re-randomised proofs not accepted by both").isEmpty();
        soft.assertThat(verdicts.stream().filter(v -> !v.valid() && !v.variant().equals("c.y + p")
                        && (v.java().equals("accept") || v.chain().equals("true"))).toList())
                .as("tampered proofs accepted").isEmpty();
        soft.assertThat(verdicts).filteredOn(v -> v.variant().equals("c.y + p")).hasSize(TEST_CIRCUITS.size())
                .allMatch(v -> v.chain().equals("true"));
        soft.assertThat(verdicts).filteredOn(Verdict::valid).hasSize(2 * TEST_CIRCUITS.size());
        soft.assertAll();
    }

    private static Path testCircuitFile(String circuit, String file) {
        return ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/" + circuit + "/" + file);
    }

    private static void print(String title, List<Verdict> verdicts) {
        StringBuilder table = new StringBuilder(String.format("%n%s%n%-10s %-26s %-10s %-24s %-38s %s%n", title,
                "circuit", "variant", "verifier", "java", "chain", "exported verifyTx"));
        for (Verdict v : verdicts) {
            table.append(String.format("%-10s %-26s %-10s %-24s %-38s %s%s%n", v.circuit(), v.variant(), v.verifier(), v.java(),
                    v.chain(), v.exportedVerifyTx(), v.agree() ? "" : "   <-- DISAGREE"));
        }
        System.out.println(table);
    }

    private static List<Variant> variantsOf(String circuit, String other, ZkProofFile fixture, VerificationKey key, BigInteger s) {
        List<Variant> out = new ArrayList<>();
        out.add(new Variant(circuit, "valid", fixture, circuit, true));
        for (int i = 0; i < fixture.inputs().size(); i++) {
            out.add(new Variant(circuit, "input[" + i + "] + 1", withInput(fixture, i, BigInteger.ONE), circuit, false));
        }
        for (int i = 0; i < fixture.inputs().size(); i++) {
            out.add(new Variant(circuit, "input[" + i + "] + r", withInput(fixture, i, R), circuit, false));
        }
        for (int j = 0; j < 8; j++) {
            out.add(new Variant(circuit, COORDINATES.get(j) + " + 1", withCoordinate(fixture, j, BigInteger.ONE), circuit, false));
        }
        for (int j = 0; j < 8; j++) {
            out.add(new Variant(circuit, COORDINATES.get(j) + " + p", withCoordinate(fixture, j, P), circuit, false));
        }
        List<BigInteger> p = fixture.proof();
        out.add(new Variant(circuit, "A negated", proof(fixture, p.get(0), P.subtract(p.get(1)), p.get(2), p.get(3), p.get(4), p.get(5),
                p.get(6), p.get(7)), circuit, false));
        out.add(new Variant(circuit, "B c0/c1 swapped", proof(fixture, p.get(0), p.get(1), p.get(3), p.get(2), p.get(5), p.get(4),
                p.get(6), p.get(7)), circuit, false));
        out.add(new Variant(circuit, "B x/y swapped", proof(fixture, p.get(0), p.get(1), p.get(4), p.get(5), p.get(2), p.get(3),
                p.get(6), p.get(7)), circuit, false));
        List<BigInteger> outside = RegistryProofs.twistPointOutsideG2();
        out.add(new Variant(circuit, "B on the twist, not in G2", proof(fixture, p.get(0), p.get(1), outside.get(0), outside.get(1),
                outside.get(2), outside.get(3), p.get(6), p.get(7)), circuit, false));
        out.add(new Variant(circuit, "A and C swapped", proof(fixture, p.get(6), p.get(7), p.get(2), p.get(3), p.get(4), p.get(5),
                p.get(0), p.get(1)), circuit, false));
        out.add(new Variant(circuit, "re-randomised", RegistryProofs.rerandomise(fixture, key, s), circuit, true));
        if (other != null) {
            out.add(new Variant(circuit, "other circuit's verifier", fixture, other, false));
        }
        return out;
    }

    private static ZkProofFile withInput(ZkProofFile f, int i, BigInteger delta) {
        List<BigInteger> inputs = new ArrayList<>(f.inputs());
        inputs.set(i, inputs.get(i).add(delta));
        return new ZkProofFile(inputs, f.proof());
    }

    private static ZkProofFile withCoordinate(ZkProofFile f, int j, BigInteger delta) {
        List<BigInteger> proof = new ArrayList<>(f.proof());
        proof.set(j, proof.get(j).add(delta));
        return new ZkProofFile(f.inputs(), proof);
    }

    private static ZkProofFile proof(ZkProofFile f, BigInteger... coordinates) {
        return new ZkProofFile(f.inputs(), List.of(coordinates));
    }

    private static String javaVerdict(Groth16Verifier verifier, ZkProofFile proof) {
        try {
            return verifier.verify(RegistryProofs.toGroth16(proof)) ? "accept" : "false";
        } catch (VerificationException e) {
            return e.code().name();
        }
    }

    private static String chainVerdict(Credentials from, String contract, ZkProofFile proof) throws IOException {
        String data = ExcursionClaimVerifier.load(contract, ANVIL.web3j(), RegistryProofs.txManager(ANVIL, from), ChainAssertions.GAS)
                .verifyClaim(proof.inputs(), proof.proof()).encodeFunctionCall();
        return ethCall(from, contract, data);
    }

    /** ZoKrates' exported {@code verifyTx(Proof, uint256[n])} (the adapters inherit it): the proof's 8 words, then the inputs. */
    private static String verifyTxCall(ZkProofFile proof) {
        StringBuilder data = new StringBuilder(RevertDecoder.selector(
                "verifyTx(((uint256,uint256),(uint256[2],uint256[2]),(uint256,uint256)),uint256[" + proof.inputs().size() + "])"));
        for (BigInteger word : proof.proof()) {
            data.append(Numeric.toHexStringNoPrefixZeroPadded(word, 64));
        }
        for (BigInteger word : proof.inputs()) {
            data.append(Numeric.toHexStringNoPrefixZeroPadded(word, 64));
        }
        return data.toString();
    }

    /**
     * true / false for a bool return, or the revert: a named custom error of our adapter, or no data (a
     * failed precompile, which burns the call's gas, or the exported verifier's reason-less require(input < r)).
     */
    private static String ethCall(Credentials from, String contract, String data) throws IOException {
        EthCall result = ANVIL.web3j().ethCall(Transaction.createEthCallTransaction(from.getAddress(), contract, data),
                DefaultBlockParameterName.LATEST).send();
        if (result.hasError() || result.isReverted()) {
            Object errorData = result.getError() == null ? null : result.getError().getData();
            ChainRevert revert = ChainAssertions.decoder().decode(errorData == null ? "0x" : errorData.toString().replace("\"", ""));
            return revert.name().equals("UNKNOWN") && revert.data().equals("0x")
                    ? "revert (no data)"
                    : "revert " + revert.name() + revert.arguments();
        }
        BigInteger word = Numeric.toBigInt(result.getValue());
        assertThat(word).as("a bool return").isIn(BigInteger.ZERO, BigInteger.ONE);
        return word.signum() == 1 ? "true" : "false";
    }
}
