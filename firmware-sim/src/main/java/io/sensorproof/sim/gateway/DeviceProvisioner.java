package io.sensorproof.sim.gateway;

import io.sensorproof.protocol.cose.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * How a simulated device becomes known to the gateway. The device key is generated on the
 * (simulated) device, in its data directory; a provisioner makes the gateway trust its public half
 * and hands the agent what it needs to run. {@link EnrollingProvisioner} (the default) enrolls the
 * device with a one-time token and a CSR, as a factory-installed agent would;
 * {@link RegisterWithPublicKey} registers the public key through the operator registry.
 */
public interface DeviceProvisioner {
    /** The device key's file in the device's data directory (the agent's default {@code key.file}). */
    String KEY_FILE = "device-key.p8";

    /**
     * What a provisioned device holds.
     *
     * @param key the device key
     * @param ackKeySpki the gateway's acknowledgement key (SPKI DER) the agent verifies replies with
     * @param certificate the device certificate, when the device was enrolled
     */
    record Provisioned(SigningKey key, byte[] ackKeySpki, Optional<X509Certificate> certificate) {
    }

    /** How the devices are provisioned, as chosen on the command line ({@code --provisioning}). */
    enum Method {
        /** one-time enrollment token and CSR ({@link EnrollingProvisioner}) */
        ENROLL,
        /** operator registration with the public key ({@link RegisterWithPublicKey}) */
        REGISTER;

        /** The provisioner of this method against {@code gateway}. */
        public DeviceProvisioner provisioner(GatewayClient gateway) {
            return this == ENROLL ? new EnrollingProvisioner(gateway) : new RegisterWithPublicKey(gateway);
        }
    }

    /** Makes sure the tenant exists (once per run, before any device). */
    void prepareTenant(String tenant);

    /**
     * Makes the gateway accept messages from {@code deviceId} signed by the key in
     * {@code dataDir/}{@value #KEY_FILE} (generated there when absent). May be called for several
     * devices at once.
     */
    Provisioned provision(String tenant, String deviceId, Path dataDir) throws IOException;
}
