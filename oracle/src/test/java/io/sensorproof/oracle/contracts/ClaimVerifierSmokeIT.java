package io.sensorproof.oracle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;

class ClaimVerifierSmokeIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    @Test
    void excursionFixtureVerifiesOnChainAndAnInputOutOfFieldReverts() throws Exception {
        Credentials admin = ANVIL.account(0);
        ExcursionClaimVerifier v = ExcursionClaimVerifier.deploy(ANVIL.web3j(), ChainAssertions.txManager(ANVIL, admin), ChainAssertions.GAS).send();
        JsonNode proof = new ObjectMapper().readTree(Path.of(System.getProperty("repo.root", ".."))
                .resolve("zk-circuits/src/test/resources/circuits/excursion/proof.json").toFile());
        List<BigInteger> inputs = new ArrayList<>();
        proof.path("inputs").forEach(n -> inputs.add(new BigInteger(n.asText().substring(2), 16)));
        List<BigInteger> p = new ArrayList<>();
        JsonNode pr = proof.path("proof");
        for (JsonNode n : List.of(pr.path("a").get(0), pr.path("a").get(1), pr.path("b").get(0).get(0), pr.path("b").get(0).get(1),
                pr.path("b").get(1).get(0), pr.path("b").get(1).get(1), pr.path("c").get(0), pr.path("c").get(1))) {
            p.add(new BigInteger(n.asText().substring(2), 16));
        }
        assertThat(v.verifyClaim(inputs, p).send()).isTrue();
        List<BigInteger> wrong = new ArrayList<>(inputs);
        wrong.set(2, wrong.get(2).add(BigInteger.ONE));
        assertThat(v.verifyClaim(wrong, p).send()).isFalse();
        List<BigInteger> outOfField = new ArrayList<>(inputs);
        outOfField.set(0, new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617"));
        ChainAssertions.assertReverts(ANVIL, admin, v.getContractAddress(), v.verifyClaim(outOfField, p), "InputOutOfField");
    }
}
