package io.sensorproof.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Paho runs each connection's receiver, sender and callback as tasks that block for the connection's
 * life: the executor a runtime gives Paho must run any number of them at once and still fire timers
 * (keep-alive pings, the agents' timers) on a one-thread scheduler (ADR 048).
 */
class AgentRuntimeTest {

    @Test
    void pahoExecutorRunsManyBlockingLoopsAtOnceWhileTheSchedulerStillFires() throws Exception {
        int loops = 30; // ten connections' worth
        try (AgentRuntime runtime = AgentRuntime.create("test", 1)) {
            CountDownLatch allRunning = new CountDownLatch(loops);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < loops; i++) {
                runtime.pahoExecutor().submit(() -> {
                    allRunning.countDown();
                    release.await();
                    return null;
                });
            }
            assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("every blocking loop started").isTrue();
            CountDownLatch fired = new CountDownLatch(2);
            runtime.pahoExecutor().schedule(fired::countDown, 10, TimeUnit.MILLISECONDS);
            runtime.scheduler().schedule(fired::countDown, 10, TimeUnit.MILLISECONDS);
            assertThat(fired.await(5, TimeUnit.SECONDS)).as("timers fire while the loops block").isTrue();
            assertThat(runtime.workerThreads()).isGreaterThanOrEqualTo(loops);
            release.countDown();
        }
    }
}
