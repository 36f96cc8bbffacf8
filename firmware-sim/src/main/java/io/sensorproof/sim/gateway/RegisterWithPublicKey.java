package io.sensorproof.sim.gateway;

import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Provisioning through the operator registry: the tenant is created if missing and each device is
 * registered with its public key ({@code POST /api/v1/tenants/{t}/devices}), as an operator would
 * with a key read off the device; the agents get the acknowledgement key from
 * {@code GET /api/v1/gateway/ack-key}. No certificates are issued.
 */
public final class RegisterWithPublicKey implements DeviceProvisioner {
    private final GatewayClient gateway;
    private volatile byte[] ackKey;

    public RegisterWithPublicKey(GatewayClient gateway) {
        this.gateway = gateway;
    }

    @Override
    public void prepareTenant(String tenant) {
        gateway.ensureTenant(tenant, "Simulated " + tenant);
        ackKey = gateway.ackKeySpki();
    }

    @Override
    public Provisioned provision(String tenant, String deviceId, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(KEY_FILE);
        SigningKey key = Files.exists(file) ? KeyFiles.load(file) : KeyFiles.generate(file, SignatureAlgorithm.ES256);
        gateway.registerDevice(tenant, deviceId, key.verificationKey().spki());
        byte[] ack = ackKey;
        if (ack == null) {
            ack = gateway.ackKeySpki();
            ackKey = ack;
        }
        return new Provisioned(key, ack, Optional.empty());
    }
}
