package io.sensorproof.sim.gateway;

import io.sensorproof.protocol.cose.SigningKey;

/**
 * How a simulated device becomes known to the gateway. The device's key is generated on the
 * (simulated) device; a provisioner makes the gateway trust its public half. Today
 * {@link RegisterWithPublicKey} uses the operator registry; an enrollment provisioner (one-time
 * token and CSR) can replace it without changing the fleet code.
 */
public interface DeviceProvisioner {

    /** Makes sure the tenant exists (once per run, before any device). */
    void prepareTenant(String tenant);

    /** Makes the gateway accept messages signed by {@code key} from {@code deviceId}. */
    void provision(String tenant, String deviceId, SigningKey key);
}
