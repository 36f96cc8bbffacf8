package io.sensorproof.oracle.chain;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * Gas and fees for one transaction, taken from the node just before signing: the gas limit is the
 * node's estimate times a margin; fees are EIP-1559 ({@code maxFeePerGas}, {@code maxPriorityFeePerGas})
 * when the latest block has a base fee, otherwise a legacy {@code gasPrice}.
 *
 * @param gasLimit the gas limit to sign
 * @param estimate the node's estimate the limit was derived from
 * @param maxFeePerGas EIP-1559 fee cap, empty for a legacy transaction
 * @param maxPriorityFeePerGas EIP-1559 tip, empty for a legacy transaction
 * @param gasPrice legacy gas price, empty for an EIP-1559 transaction
 */
public record TransactionPlan(BigInteger gasLimit, BigInteger estimate, Optional<BigInteger> maxFeePerGas,
        Optional<BigInteger> maxPriorityFeePerGas, Optional<BigInteger> gasPrice) {
    public TransactionPlan {
        Objects.requireNonNull(gasLimit, "gasLimit");
        Objects.requireNonNull(estimate, "estimate");
        if (maxFeePerGas.isPresent() != maxPriorityFeePerGas.isPresent() || maxFeePerGas.isPresent() == gasPrice.isPresent()) {
            throw new IllegalArgumentException("either both EIP-1559 fees or a legacy gas price");
        }
    }

    /** Whether the transaction is an EIP-1559 (type 2) one. */
    public boolean eip1559() {
        return maxFeePerGas.isPresent();
    }
}
