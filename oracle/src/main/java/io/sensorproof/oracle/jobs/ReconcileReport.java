package io.sensorproof.oracle.jobs;

import java.util.List;

/**
 * What a reconciliation with the chain did.
 *
 * @param minedNonce the node's nonce of the account counting mined transactions
 * @param storedNextNonce the store's next nonce before the reconciliation
 * @param reopened ids of finished jobs whose transaction the chain no longer has (now {@code SUBMITTED})
 * @param rebroadcast ids of jobs whose stored transaction was sent again, in nonce order
 */
public record ReconcileReport(long minedNonce, long storedNextNonce, List<Long> reopened, List<Long> rebroadcast) {
    public ReconcileReport {
        reopened = List.copyOf(reopened);
        rebroadcast = List.copyOf(rebroadcast);
    }
}
