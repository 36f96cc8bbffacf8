package io.sensorproof.oracle.bundle;

import java.util.Objects;

/**
 * The chain and contracts a bundle's claims live on (from the deployment's {@code chain.json}):
 * a reader looks the bundle's transactions up there.
 */
public record ContractAddresses(long chainId, String anchorRegistry, String collateralFinancing, String carbonCredit) {
    public ContractAddresses {
        for (String address : new String[] {anchorRegistry, collateralFinancing, carbonCredit}) {
            Objects.requireNonNull(address);
            if (!address.matches("0x[0-9a-fA-F]{40}")) {
                throw new IllegalArgumentException("not an address: " + address);
            }
        }
    }
}
