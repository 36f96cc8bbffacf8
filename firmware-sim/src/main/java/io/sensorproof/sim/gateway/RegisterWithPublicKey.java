package io.sensorproof.sim.gateway;

import io.sensorproof.protocol.cose.SigningKey;

/**
 * Provisioning through the operator API: the tenant is created if missing and each device is
 * registered with its public key ({@code POST /api/v1/tenants/{t}/devices}), as an operator would.
 */
public final class RegisterWithPublicKey implements DeviceProvisioner {
    private final GatewayClient gateway;

    public RegisterWithPublicKey(GatewayClient gateway) {
        this.gateway = gateway;
    }

    @Override
    public void prepareTenant(String tenant) {
        gateway.ensureTenant(tenant, "Simulated " + tenant);
    }

    @Override
    public void provision(String tenant, String deviceId, SigningKey key) {
        gateway.registerDevice(tenant, deviceId, key.verificationKey().spki());
    }
}
