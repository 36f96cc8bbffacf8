package io.sensorproof.oracle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.ZokratesJson;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The committed proof fixtures of this module (claims/c2 and c3, the bundles) are proofs under the verification
 * keys zk-circuits ships, of exactly the statements their generators describe. The contract and bundle tests use
 * them as valid proofs; when the circuits' keys change (ADR 044) every one of them goes stale at once, and this
 * test says so in seconds, without a chain, and names the generators to rerun (oracle/README.md, "Regenerate the
 * committed claim fixtures"). The key pins docs/bundles.md prints go stale the same way and are checked here too.
 */
class CommittedFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RERUN = " (stale fixture? rerun its generator, oracle/README.md)";

    private static Groth16Verifier shipped(String circuit) {
        return Groth16Verifier.fromJson(CircuitArtifacts.committedVerificationKey(circuit));
    }

    private static String resource(String name) {
        try (InputStream in = CommittedFixturesTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theKeyPinsDocsBundlesPrintsAreTheShippedKeys() throws IOException {
        String docs = Files.readString(ZkProofFile.repoFile("docs/bundles.md"));
        for (String circuit : List.of(RunClaimWitness.CIRCUIT, EmissionsClaimWitness.CIRCUIT)) {
            Matcher pin = Pattern.compile("`" + circuit + "=sha256:([0-9a-f]{64})`").matcher(docs);
            assertThat(pin.find()).as("docs/bundles.md prints the " + circuit + " pin").isTrue();
            assertThat(pin.group(1)).as("docs/bundles.md's " + circuit + " pin")
                    .isEqualTo(PinnedKeys.sha256Hex(CircuitArtifacts.committedVerificationKey(circuit)));
        }
    }

    @Test
    void everyRunClaimFixtureProvesItsGeneratorsStatementUnderTheShippedKey() {
        Groth16Verifier verifier = shipped(RunClaimWitness.CIRCUIT);
        SoftAssertions soft = new SoftAssertions();
        List<CollateralClaimFixtureGenerator.Spec> specs = CollateralClaimFixtureGenerator.specs();
        assertThat(specs).hasSize(10);
        for (CollateralClaimFixtureGenerator.Spec spec : specs) {
            Groth16Proof proof = ZokratesJson.parseProof(CollateralClaimFixtures.text(spec.name()));
            List<BigInteger> statement = RunClaimWitness.of(spec.readings(), spec.lo(), spec.hi(), spec.maxGap())
                    .request().publicInputs();
            soft.assertThat(proof.inputs()).as("c2/" + spec.name() + " inputs" + RERUN).isEqualTo(statement);
            soft.assertThat(verifier.verify(proof)).as("c2/" + spec.name() + " verifies" + RERUN).isTrue();
        }
        soft.assertAll();
    }

    @Test
    void everyEmissionsClaimFixtureProvesItsGeneratorsStatementUnderTheShippedKey() {
        Groth16Verifier verifier = shipped(EmissionsClaimWitness.CIRCUIT);
        SoftAssertions soft = new SoftAssertions();
        List<CarbonCreditFixtureGenerator.Fixture> fixtures = CarbonCreditFixtureGenerator.fixtures();
        assertThat(fixtures).hasSize(10);
        for (CarbonCreditFixtureGenerator.Fixture f : fixtures) {
            Groth16Proof proof = ZokratesJson.parseProof(resource("/claims/c3/" + f.name() + ".json"));
            List<BigInteger> statement = EmissionsClaimWitness.of(f.committed(), f.maxGap()).request().publicInputs();
            soft.assertThat(proof.inputs()).as("c3/" + f.name() + " inputs" + RERUN).isEqualTo(statement);
            soft.assertThat(verifier.verify(proof)).as("c3/" + f.name() + " verifies" + RERUN).isTrue();
        }
        soft.assertAll();
    }

    @Test
    void everyProofInTheFixtureBundlesVerifiesUnderTheShippedKeyOfItsCircuit() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        int proofs = 0;
        for (String bundle : List.of("evidence.json", "verification.json")) {
            JsonNode claims = JSON.readTree(resource("/bundles/" + bundle)).path("claims");
            for (int i = 0; i < claims.size(); i++) {
                JsonNode claim = claims.get(i);
                ObjectNode proofJson = JSON.createObjectNode().put("scheme", "g16").put("curve", "bn128");
                proofJson.set("proof", claim.path("proof"));
                proofJson.set("inputs", claim.path("inputs"));
                boolean accepted = shipped(claim.path("circuit").asText()).verifyJson(JSON.writeValueAsString(proofJson));
                soft.assertThat(accepted).as(bundle + " claims[" + i + "] verifies" + RERUN).isTrue();
                proofs++;
            }
        }
        soft.assertThat(proofs).as("claims in evidence.json and verification.json").isEqualTo(6);
        soft.assertAll();
    }
}
