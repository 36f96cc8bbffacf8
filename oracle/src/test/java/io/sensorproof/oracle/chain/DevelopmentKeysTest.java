package io.sensorproof.oracle.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

class DevelopmentKeysTest {
    private static final String ANVIL_ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    private static final String ANVIL_ACCOUNT_19 = "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199";

    @Test
    void knowsTheMnemonicsAccountsInAnyCase() {
        assertThat(DevelopmentKeys.isDevelopmentAddress(ANVIL_ACCOUNT_0)).isTrue();
        assertThat(DevelopmentKeys.isDevelopmentAddress(ANVIL_ACCOUNT_0.toLowerCase(java.util.Locale.ROOT))).isTrue();
        assertThat(DevelopmentKeys.isDevelopmentAddress(ANVIL_ACCOUNT_19)).isTrue();
        assertThat(Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(0)).getAddress()).isEqualToIgnoringCase(ANVIL_ACCOUNT_0);
    }

    @Test
    void refusesDevelopmentKeysOnlyOffLocalChains() throws Exception {
        String fresh = "0x" + Keys.getAddress(Keys.createEcKeyPair());
        DeploymentPlan plan = new DeploymentPlan(7, List.of(fresh), List.of(ANVIL_ACCOUNT_19), List.of(), List.of(), 60, "");
        assertThatCode(() -> ChainDeployer.refuseDevelopmentKeys(31337, ANVIL_ACCOUNT_0, plan)).doesNotThrowAnyException();
        assertThatCode(() -> ChainDeployer.refuseDevelopmentKeys(1337, ANVIL_ACCOUNT_0, plan)).doesNotThrowAnyException();
        assertThatThrownBy(() -> ChainDeployer.refuseDevelopmentKeys(7, ANVIL_ACCOUNT_0, plan))
                .isInstanceOf(DeploymentException.class).hasMessageContaining("deploying key");
        assertThatThrownBy(() -> ChainDeployer.refuseDevelopmentKeys(7, fresh, plan))
                .isInstanceOf(DeploymentException.class).hasMessageContaining("role account");
        DeploymentPlan clean = new DeploymentPlan(7, List.of(fresh), List.of(), List.of(), List.of(), 60, "");
        assertThatCode(() -> ChainDeployer.refuseDevelopmentKeys(7, fresh, clean)).doesNotThrowAnyException();
    }
}
