package io.sensorproof.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agents' blocking work (connection attempts, sending, sealing; and the MQTT client's event loop, which
 * holds its threads for the runtime's life) runs on the worker pool: it must run any number of blocking tasks
 * at once and still fire the agents' timers on a one-thread scheduler (ADR 048).
 */
class AgentRuntimeTest {

    @Test
    void workersRunManyBlockingTasksAtOnceWhileTheSchedulerStillFires() throws Exception {
        int loops = 30; // ten connections' worth
        try (AgentRuntime runtime = AgentRuntime.create("test", 1)) {
            CountDownLatch allRunning = new CountDownLatch(loops);
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < loops; i++) {
                runtime.workers().execute(() -> {
                    allRunning.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(allRunning.await(10, TimeUnit.SECONDS)).as("every blocking loop started").isTrue();
            CountDownLatch fired = new CountDownLatch(1);
            runtime.scheduler().schedule(fired::countDown, 10, TimeUnit.MILLISECONDS);
            assertThat(fired.await(5, TimeUnit.SECONDS)).as("timers fire while the loops block").isTrue();
            assertThat(runtime.workerThreads()).isGreaterThanOrEqualTo(loops);
            release.countDown();
        }
    }
}
