package io.sensorproof.oracle.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * What a deployment produced, as the gateway reads it ({@code chain.json}): chain id, contract
 * addresses, the accounts given each role, and the compiler that built the bytecode.
 *
 * @param chainId the chain's id
 * @param blockNumber block of the last deployment transaction
 * @param deployer the admin account
 * @param contracts contract name → address (ExcursionClaimVerifier, EmissionsClaimVerifier,
 *     AnchorRegistry, CollateralFinancing, CarbonCredit)
 * @param plan the roles granted
 * @param solc the solc version, e.g. 0.8.37+commit…
 * @param evmVersion the pinned EVM version
 */
public record Deployment(long chainId, long blockNumber, String deployer, Map<String, String> contracts,
        DeploymentPlan plan, String solc, String evmVersion) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Deployment {
        contracts = Map.copyOf(contracts);
    }

    /** The address of a deployed contract. */
    public String address(String contract) {
        String a = contracts.get(contract);
        if (a == null) {
            throw new DeploymentException(DeploymentException.Code.CONTRACT_MISSING, contract + " is not in this deployment");
        }
        return a;
    }

    /** Writes the file atomically (temporary file, forced, then renamed). */
    public void write(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(this)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a deployment file. */
    public static Deployment read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Deployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
