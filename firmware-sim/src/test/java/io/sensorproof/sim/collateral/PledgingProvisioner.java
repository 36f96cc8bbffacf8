package io.sensorproof.sim.collateral;

import io.sensorproof.sim.gateway.DeviceProvisioner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link DeviceProvisioner} that, once a device is known to the gateway, hands its id to a callback
 * (which pledges it in a lot and has the bank set the terms) before the fleet's first tick: the fleet
 * runner provisions every device before it starts the agents, so the lot's terms are set before the
 * first reading is stored, as for goods pledged before they are watched.
 */
public final class PledgingProvisioner implements DeviceProvisioner {
    private final DeviceProvisioner delegate;
    private final Consumer<String> provisioned;

    /**
     * @param delegate provisions the device (enrollment, as the simulator does by default)
     * @param provisioned called with the device id after the delegate returned
     */
    public PledgingProvisioner(DeviceProvisioner delegate, Consumer<String> provisioned) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.provisioned = Objects.requireNonNull(provisioned, "provisioned");
    }

    @Override
    public void prepareTenant(String tenant) {
        delegate.prepareTenant(tenant);
    }

    @Override
    public Provisioned provision(String tenant, String deviceId, Path dataDir) throws IOException {
        Provisioned p = delegate.provision(tenant, deviceId, dataDir);
        provisioned.accept(deviceId);
        return p;
    }
}
