package io.sensorproof.oracle.chain;

import java.util.List;
import java.util.Objects;

/**
 * Who gets which role when the contracts are deployed. The deployer's account becomes the admin of
 * every contract (DEFAULT_ADMIN_ROLE; hand it to a multisig afterwards on a real consortium).
 *
 * @param expectedChainId the chain id the node must report (guards against deploying to the wrong chain)
 * @param oracles accounts of the gateway's oracle (ORACLE_ROLE on all three contracts); at least one
 * @param banks lenders admitted to create collateral facilities (CollateralFinancing BANK_ROLE)
 * @param carbonVerifiers accounts that set carbon facilities' terms (CarbonCredit VERIFIER_ROLE)
 * @param regulators accounts that may void a carbon period in its challenge window (REGULATOR_ROLE)
 * @param challengeWindowSeconds CarbonCredit's challenge window after a period is closed
 * @param creditUri ERC-1155 metadata URI template of the credits ({id} substituted by wallets)
 */
public record DeploymentPlan(long expectedChainId, List<String> oracles, List<String> banks,
        List<String> carbonVerifiers, List<String> regulators, long challengeWindowSeconds, String creditUri) {
    public DeploymentPlan {
        oracles = List.copyOf(oracles);
        banks = List.copyOf(banks);
        carbonVerifiers = List.copyOf(carbonVerifiers);
        regulators = List.copyOf(regulators);
        Objects.requireNonNull(creditUri, "creditUri");
        if (oracles.isEmpty()) {
            throw new DeploymentException(DeploymentException.Code.INVALID_PLAN, "at least one oracle account is needed");
        }
        if (challengeWindowSeconds <= 0) {
            throw new DeploymentException(DeploymentException.Code.INVALID_PLAN, "the challenge window must be positive");
        }
        for (String a : all(oracles, banks, carbonVerifiers, regulators)) {
            if (!a.matches("0x[0-9a-fA-F]{40}") || a.matches("0x0{40}")) {
                throw new DeploymentException(DeploymentException.Code.INVALID_PLAN, "not an account address: " + a);
            }
        }
    }

    /** Every account the plan names. */
    public List<String> accounts() {
        return all(oracles, banks, carbonVerifiers, regulators);
    }

    @SafeVarargs
    private static List<String> all(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
