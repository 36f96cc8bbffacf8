package io.sensorproof.gateway.oracle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@code chain}: UP when the node answers with the recorded chain id and the deployment was
 * found on it (or when no chain is configured at all), with the chain id, latest block and registry
 * address; DOWN while the node does not answer or when chain.json does not describe the chain.
 */
@Readiness
@ApplicationScoped
public class ChainHealthCheck implements HealthCheck {
    @Inject
    ChainConnection chain;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("chain").withData("configured", chain.configured());
        if (!chain.configured()) {
            return b.up().build();
        }
        b.withData("rpcUrl", chain.rpcUrl()).withData("chainId", chain.chainId())
                .withData("anchorRegistry", chain.address("AnchorRegistry"));
        try {
            long nodeChainId = chain.web3j().ethChainId().send().getChainId().longValueExact();
            long block = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
            b.withData("block", block);
            if (nodeChainId != chain.chainId()) {
                return b.down().withData("reason", "the node reports chain id " + nodeChainId).build();
            }
        } catch (Exception e) {
            return b.down().withData("reason", "the node does not answer: " + e.getMessage()).build();
        }
        chain.verify();
        if (!chain.verified()) {
            return b.down().withData("reason", "deployment not checked yet").build();
        }
        if (!chain.differences().isEmpty()) {
            return b.down().withData("reason", String.join("; ", chain.differences())).build();
        }
        return b.up().build();
    }
}
