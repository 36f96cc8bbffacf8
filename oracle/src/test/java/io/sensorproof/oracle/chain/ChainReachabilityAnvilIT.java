package io.sensorproof.oracle.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.events.FollowerLag;
import io.sensorproof.oracle.testing.AnvilExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The chain gauges' inputs from a real node (anvil, about a second to start): the head block and its
 * timestamp as anvil mines, the follower lag against that head, and a stopped node counted as a failure
 * while the last success is kept.
 */
class ChainReachabilityAnvilIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    @Test
    void readsTheHeadAsTheNodeMinesAndNoticesTheNodeGone() {
        Web3j web3j = Web3j.build(new HttpService(ANVIL.rpcUrl()));
        ChainReachability reachability = new ChainReachability(new Web3jChainHead(web3j), Clock.systemUTC());
        try {
            ChainHead first = reachability.probe().head().orElseThrow();
            ANVIL.setNextBlockTimestamp(first.timestamp().getEpochSecond() + 100);
            ANVIL.mine();
            ANVIL.mine();
            ANVIL.mine();
            ChainHead after = reachability.probe().head().orElseThrow();
            assertThat(after.number()).isEqualTo(first.number() + 3);
            assertThat(after.timestamp().getEpochSecond()).isEqualTo(ANVIL.latestTimestamp());
            assertThat(after.timestamp()).isAfterOrEqualTo(first.timestamp().plusSeconds(100));
            assertThat(reachability.headAge(after.timestamp().plusSeconds(7))).contains(Duration.ofSeconds(7));
            assertThat(FollowerLag.of(after.number(), 1, OptionalLong.of(first.number()), 0).blocksBehind()).isEqualTo(3);
            assertThat(reachability.failures()).isZero();
            Instant lastSuccess = reachability.lastSuccess().orElseThrow();

            ANVIL.stop();
            ChainReachability.Probe gone = reachability.probe();
            assertThat(gone.error()).as("a stopped node is a failed probe").isPresent();
            assertThat(reachability.failures()).isEqualTo(1);
            assertThat(reachability.lastSuccess()).contains(lastSuccess);
            assertThat(reachability.lastHead()).contains(after);
        } finally {
            web3j.shutdown();
        }
    }
}
