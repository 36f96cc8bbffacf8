package io.sensorproof.oracle.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One contract call a job wants on chain: the contract, the ABI-encoded call data and the value
 * sent with it. Job handlers build it; the chain client estimates, signs and sends it.
 *
 * @param to the contract's address, 0x-prefixed
 * @param data the ABI-encoded call, 0x-prefixed hex
 * @param value wei sent with the call (zero for every call of our contracts)
 */
public record ContractCall(String to, String data, BigInteger value) {
    public ContractCall {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(value, "value");
        if (!to.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("not a contract address: " + to);
        }
        if (!data.matches("0x([0-9a-fA-F]{2})*")) {
            throw new IllegalArgumentException("call data must be 0x-prefixed hex bytes");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("value must not be negative");
        }
    }

    /** A call that sends no value. */
    public static ContractCall of(String to, String data) {
        return new ContractCall(to, data, BigInteger.ZERO);
    }
}
