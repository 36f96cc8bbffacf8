package io.sensorproof.sim.demo;

import io.sensorproof.sim.gateway.StandaloneGateway;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What every demo act works with.
 *
 * @param gateway the standalone gateway the demo started (API base, broker, data directory)
 * @param operatorKey the gateway's bootstrap operator API key
 * @param chainRpc the local chain's JSON-RPC endpoint (anvil started by the gateway)
 * @param chainJson the deployment the gateway wrote ({@code <data-dir>/chain/chain.json}: chain id, contract addresses)
 * @param workDir the demo's own directory (device keys and outboxes, act state kept between starts)
 * @param narrative where acts tell what happens
 */
public record DemoContext(StandaloneGateway gateway, String operatorKey, URI chainRpc, Path chainJson, Path workDir, Narrative narrative) {
    public DemoContext {
        Objects.requireNonNull(gateway);
        Objects.requireNonNull(operatorKey);
        Objects.requireNonNull(chainRpc);
        Objects.requireNonNull(chainJson);
        Objects.requireNonNull(workDir);
        Objects.requireNonNull(narrative);
    }
}
