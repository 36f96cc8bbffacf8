package io.sensorproof.oracle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.oracle.testing.ZkProofFile;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.tx.TransactionManager;

/** The build's pipeline end to end: solc-js → codegen wrappers → real anvil → ZoKrates proofs verified on chain. */
class ClaimVerifierSmokeIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final ZkProofFile EXCURSION = ZkProofFile.read(
            ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/excursion/proof.json"));

    @Test
    void excursionFixtureVerifiesOnChainAndAnInputOutOfFieldReverts() throws Exception {
        Credentials admin = ANVIL.account(0);
        ExcursionClaimVerifier v = ExcursionClaimVerifier.deploy(ANVIL.web3j(), ChainAssertions.txManager(ANVIL, admin), ChainAssertions.GAS).send();
        assertThat(v.verifyClaim(EXCURSION.inputs(), EXCURSION.proof()).send()).isTrue();
        List<BigInteger> wrong = new ArrayList<>(EXCURSION.inputs());
        wrong.set(2, wrong.get(2).add(BigInteger.ONE));
        assertThat(v.verifyClaim(wrong, EXCURSION.proof()).send()).isFalse();
        List<BigInteger> outOfField = new ArrayList<>(EXCURSION.inputs());
        outOfField.set(0, new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617"));
        ChainAssertions.assertReverts(ANVIL, admin, v.getContractAddress(), v.verifyClaim(outOfField, EXCURSION.proof()), "InputOutOfField");
    }

    @Test
    void registryAnchorsAClaimOnceWhateverTheProof() throws Exception {
        Credentials admin = ANVIL.account(0);
        Credentials oracle = ANVIL.account(1);
        TransactionManager tx = ChainAssertions.txManager(ANVIL, admin);
        ExcursionClaimVerifier run = ExcursionClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        EmissionsClaimVerifier em = EmissionsClaimVerifier.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS).send();
        AnchorRegistry registry = AnchorRegistry.deploy(ANVIL.web3j(), tx, ChainAssertions.GAS,
                admin.getAddress(), run.getContractAddress(), em.getContractAddress()).send();
        ChainAssertions.sendOk(registry.grantRole(registry.ORACLE_ROLE().send(), oracle.getAddress()));
        AnchorRegistry asOracle = AnchorRegistry.load(registry.getContractAddress(), ANVIL.web3j(),
                ChainAssertions.txManager(ANVIL, oracle), ChainAssertions.GAS);
        BigInteger device = EXCURSION.inputs().get(1);
        ChainAssertions.assertReverts(ANVIL, oracle, registry.getContractAddress(),
                asOracle.anchorRunClaim(EXCURSION.inputs(), EXCURSION.proof()), "DeviceNotRegistered");
        ChainAssertions.sendOk(asOracle.registerDevice(device, Hash.sha3("key".getBytes(StandardCharsets.UTF_8))));
        ChainAssertions.sendOk(asOracle.anchorRunClaim(EXCURSION.inputs(), EXCURSION.proof()));
        ChainAssertions.assertReverts(ANVIL, oracle, registry.getContractAddress(),
                asOracle.anchorRunClaim(EXCURSION.inputs(), EXCURSION.proof()), "ClaimAlreadyAnchored");
        ChainAssertions.assertReverts(ANVIL, admin, registry.getContractAddress(),
                registry.anchorRunClaim(EXCURSION.inputs(), EXCURSION.proof()), "AccessControlUnauthorizedAccount");
    }
}
