package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.core.network.deduplication.Deduplicator;
import org.eclipse.californium.core.network.deduplication.DeduplicatorFactory;
import org.junit.jupiter.api.Test;

/**
 * CoAP duplicate detection is bounded per peer: the deduplicator built from the adapter's configuration
 * keeps at most {@link CoapIngestAdapter#DEDUPLICATION_MESSAGES_PER_PEER} exchanges of one peer. With
 * Californium's default (every exchange for 247 s) a sustained 3,000 requests/s held ~160,000 exchanges
 * and filled the gateway's 1 GB heap (gateway README, "One session on main d706d9c").
 */
class CoapDeduplicationBoundTest {

    @Test
    void keepsAtMostTheBoundPerPeerAndStillRecognisesARecentRetransmission() {
        Deduplicator dedup = DeduplicatorFactory.getDeduplicatorFactory()
                .createDeduplicator(CoapIngestAdapter.configuration(CoapIngestSettings.defaults(new InetSocketAddress(0))));
        Object fast = "peer-fast";
        Object slow = "peer-slow";
        int sent = 1_000;
        for (int mid = 0; mid < sent; mid++) {
            assertThat(dedup.findPrevious(new KeyMID(mid, fast), exchange(mid))).as("a new MID is no duplicate").isNull();
        }
        for (int mid = 0; mid < 3; mid++) {
            dedup.findPrevious(new KeyMID(mid, slow), exchange(mid));
        }
        int bound = CoapIngestAdapter.DEDUPLICATION_MESSAGES_PER_PEER;
        assertThat(dedup.size()).as("exchanges kept: the fast peer's last %d and the slow peer's 3", bound).isEqualTo(bound + 3);
        assertThat(dedup.find(new KeyMID(sent - 1, fast))).as("the fast peer's newest is still recognised").isNotNull();
        assertThat(dedup.find(new KeyMID(sent - bound, fast))).as("the oldest kept").isNotNull();
        assertThat(dedup.find(new KeyMID(sent - bound - 1, fast))).as("older ones are dropped").isNull();
        assertThat(dedup.find(new KeyMID(0, slow))).as("another peer's exchanges are not evicted by the fast one").isNotNull();
        assertThat(dedup.findPrevious(new KeyMID(sent - 1, fast), exchange(sent - 1))).as("a retransmission of a recent MID")
                .isNotNull();
    }

    private static Exchange exchange(int mid) {
        Request request = new Request(CoAP.Code.POST, CoAP.Type.CON);
        request.setMID(mid);
        return new Exchange(request, "peer", Exchange.Origin.REMOTE, Runnable::run);
    }
}
