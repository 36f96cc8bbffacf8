package io.sensorproof.oracle.anvil;

import io.sensorproof.oracle.chain.Deployment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthGetCode;

/**
 * Whether a recorded deployment ({@code chain.json}) still describes the chain a node serves: the
 * node's chain id is the recorded one and every recorded contract address holds code. A local chain
 * whose state file was lost, or a {@code chain.json} copied from another network, fails it.
 */
public final class DeploymentCheck {
    private DeploymentCheck() {
    }

    /**
     * The differences between {@code deployment} and the chain behind {@code web3j}, one sentence
     * each; empty when it matches.
     *
     * @throws IOException when the node cannot be asked
     */
    public static List<String> differences(Web3j web3j, Deployment deployment) throws IOException {
        List<String> differences = new ArrayList<>();
        long chainId = web3j.ethChainId().send().getChainId().longValueExact();
        if (chainId != deployment.chainId()) {
            differences.add("the node reports chain id " + chainId + ", chain.json records " + deployment.chainId());
            return differences;
        }
        for (Map.Entry<String, String> contract : new TreeMap<>(deployment.contracts()).entrySet()) {
            EthGetCode code = web3j.ethGetCode(contract.getValue(), DefaultBlockParameterName.LATEST).send();
            if (code.hasError()) {
                throw new IOException("eth_getCode " + contract.getValue() + ": " + code.getError().getMessage());
            }
            String hex = code.getCode();
            if (hex == null || hex.equals("0x") || hex.isEmpty()) {
                differences.add(contract.getKey() + " has no code at " + contract.getValue());
            }
        }
        return differences;
    }
}
