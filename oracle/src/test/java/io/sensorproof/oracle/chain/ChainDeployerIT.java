package io.sensorproof.oracle.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CarbonCredit;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

class ChainDeployerIT {
    @RegisterExtension
    static final AnvilExtension LOCAL = new AnvilExtension();

    /** A chain that is not a local development chain (anvil under another chain id, as a consortium's would be). */
    @RegisterExtension
    static final AnvilExtension SHARED = new AnvilExtension(2026);

    @TempDir
    Path dir;

    @Test
    void deploysEveryContractWiresTheVerifiersAndGrantsThePlansRoles() throws Exception {
        DeploymentPlan plan = new DeploymentPlan(LOCAL.chainId(), List.of(LOCAL.account(1).getAddress()),
                List.of(LOCAL.account(2).getAddress()), List.of(LOCAL.account(3).getAddress()),
                List.of(LOCAL.account(4).getAddress()), 3600, "urn:sensorproof:credit:{id}");
        Deployment d = new ChainDeployer(LOCAL.web3j(), LOCAL.account(0), line -> { }).deploy(plan);
        Path file = dir.resolve("chain.json");
        d.write(file);
        Deployment read = Deployment.read(file);
        assertThat(read).isEqualTo(d);
        assertThat(read.contracts().keySet()).containsExactlyInAnyOrderElementsOf(ChainDeployer.CONTRACTS);
        assertThat(read.evmVersion()).isEqualTo("cancun");

        var tx = ChainAssertions.txManager(LOCAL, LOCAL.account(0));
        AnchorRegistry registry = AnchorRegistry.load(d.address("AnchorRegistry"), LOCAL.web3j(), tx, ChainAssertions.GAS);
        assertThat(registry.verifierOf(registry.RUN_CLAIM().send()).send()).isEqualToIgnoringCase(d.address("ExcursionClaimVerifier"));
        assertThat(registry.verifierOf(registry.EMISSIONS_CLAIM().send()).send()).isEqualToIgnoringCase(d.address("EmissionsClaimVerifier"));
        assertThat(registry.hasRole(registry.ORACLE_ROLE().send(), LOCAL.account(1).getAddress()).send()).isTrue();
        assertThat(registry.hasRole(registry.DEFAULT_ADMIN_ROLE().send(), LOCAL.account(0).getAddress()).send()).isTrue();
        assertThat(registry.hasRole(registry.ORACLE_ROLE().send(), LOCAL.account(2).getAddress()).send()).isFalse();

        CollateralFinancing financing = CollateralFinancing.load(d.address("CollateralFinancing"), LOCAL.web3j(), tx, ChainAssertions.GAS);
        assertThat(financing.hasRole(financing.ORACLE_ROLE().send(), LOCAL.account(1).getAddress()).send()).isTrue();
        assertThat(financing.hasRole(financing.BANK_ROLE().send(), LOCAL.account(2).getAddress()).send()).isTrue();
        assertThat(financing.hasRole(financing.BANK_ROLE().send(), LOCAL.account(1).getAddress()).send()).isFalse();

        CarbonCredit credit = CarbonCredit.load(d.address("CarbonCredit"), LOCAL.web3j(), tx, ChainAssertions.GAS);
        assertThat(credit.hasRole(credit.ORACLE_ROLE().send(), LOCAL.account(1).getAddress()).send()).isTrue();
        assertThat(credit.hasRole(credit.VERIFIER_ROLE().send(), LOCAL.account(3).getAddress()).send()).isTrue();
        assertThat(credit.hasRole(credit.REGULATOR_ROLE().send(), LOCAL.account(4).getAddress()).send()).isTrue();
        assertThat(credit.hasRole(credit.VERIFIER_ROLE().send(), LOCAL.account(4).getAddress()).send()).isFalse();
    }

    @Test
    void refusesADevelopmentKeyOnAChainThatIsNotALocalDevelopmentChainBeforeSendingAnything() throws Exception {
        Credentials devKey = SHARED.account(0);
        String oracle = Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
        DeploymentPlan plan = new DeploymentPlan(SHARED.chainId(), List.of(oracle), List.of(), List.of(), List.of(), 3600, "");
        BigInteger nonceBefore = nonce(devKey.getAddress());

        assertThatThrownBy(() -> new ChainDeployer(SHARED.web3j(), devKey, line -> { }).deploy(plan))
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.code()).isEqualTo(DeploymentException.Code.DEVELOPMENT_KEY_ON_SHARED_CHAIN));
        assertThat(nonce(devKey.getAddress())).isEqualTo(nonceBefore);
    }

    @Test
    void refusesADevelopmentAccountInAnyRoleOnASharedChainAndDeploysWithOwnKeys() throws Exception {
        Credentials own = Credentials.create(Keys.createEcKeyPair());
        // funding the fresh account with a development key is the test's doing, not the deployer's
        // through a manager that polls receipts every 50 ms: Transfer.sendFunds(web3j, ...) polls every 15 s
        new Transfer(SHARED.web3j(), ChainAssertions.txManager(SHARED, SHARED.account(9)))
                .sendFunds(own.getAddress(), java.math.BigDecimal.TEN, Convert.Unit.ETHER).send();
        String oracle = Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));

        DeploymentPlan withDevBank = new DeploymentPlan(SHARED.chainId(), List.of(oracle), List.of(SHARED.account(2).getAddress()),
                List.of(), List.of(), 3600, "");
        assertThatThrownBy(() -> new ChainDeployer(SHARED.web3j(), own, line -> { }).deploy(withDevBank))
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.code()).isEqualTo(DeploymentException.Code.DEVELOPMENT_KEY_ON_SHARED_CHAIN));
        assertThat(nonce(own.getAddress())).isZero();

        DeploymentPlan clean = new DeploymentPlan(SHARED.chainId(), List.of(oracle), List.of(), List.of(), List.of(), 3600, "");
        Deployment d = new ChainDeployer(SHARED.web3j(), own, line -> { }).deploy(clean);
        assertThat(d.chainId()).isEqualTo(2026);
        assertThat(d.deployer()).isEqualTo(own.getAddress());
    }

    @Test
    void refusesANodeOfAnotherChainThanPlanned() {
        DeploymentPlan plan = new DeploymentPlan(2026, List.of(LOCAL.account(1).getAddress()), List.of(), List.of(), List.of(), 3600, "");
        assertThatThrownBy(() -> new ChainDeployer(LOCAL.web3j(), LOCAL.account(0), line -> { }).deploy(plan))
                .isInstanceOfSatisfying(DeploymentException.class,
                        e -> assertThat(e.code()).isEqualTo(DeploymentException.Code.CHAIN_ID_MISMATCH));
    }

    private static BigInteger nonce(String address) throws Exception {
        return SHARED.web3j().ethGetTransactionCount(address, DefaultBlockParameterName.LATEST).send().getTransactionCount();
    }
}
