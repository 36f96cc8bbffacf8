package io.sensorproof.oracle.chain;

import java.util.List;

/**
 * Why a contract call reverted, decoded from its revert data: a custom error of one of our contracts
 * (or of OpenZeppelin's, which they inherit) with its arguments, {@code Error(string)},
 * {@code Panic(uint256)}, or {@code UNKNOWN} with the raw data when no ABI names the selector.
 *
 * @param name the error's name, e.g. {@code ClaimAlreadyAnchored}; {@code Error} / {@code Panic} for
 *     the built-in ones; {@code UNKNOWN} if undecodable
 * @param signature e.g. {@code ClaimAlreadyAnchored(bytes32)}
 * @param arguments decoded argument values (BigInteger, String, byte[], Boolean, List)
 * @param data the raw revert data, 0x-prefixed hex
 */
public record ChainRevert(String name, String signature, List<Object> arguments, String data) {
    public ChainRevert {
        arguments = List.copyOf(arguments);
    }

    @Override
    public String toString() {
        return signature + " " + arguments;
    }
}
