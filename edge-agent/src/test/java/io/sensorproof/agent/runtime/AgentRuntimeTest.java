package io.sensorproof.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The agents' work runs on the worker pool, at most {@code workerThreads} tasks at once (ADR 061): a pool that
 * started a thread for every task without an idle one ran hundreds at once when a fleet's packs filled together,
 * and the tick's sealing waited for outbox locks held by descheduled workers. A task that waits in
 * {@code ForkJoinPool.managedBlock} (a publish's acknowledgement, space in a full outbox) must not hold up the task
 * that ends its wait, and the timers fire on their own scheduler whatever the workers do.
 */
class AgentRuntimeTest {

    @Test
    void workersRunAtMostTheirNumberOfTasksAtOnce() throws Exception {
        int tasks = 24;
        try (AgentRuntime runtime = AgentRuntime.create("test", 1, 3)) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(tasks);
            for (int i = 0; i < tasks; i++) {
                runtime.workers().execute(() -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(20); // work that holds its thread (not a managed wait)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    done.countDown();
                });
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).as("every task ran").isTrue();
            assertThat(most.get()).isBetween(1, 3);
            assertThat(runtime.largestWorkerThreads()).isBetween(1, 3);
        }
    }

    @Test
    void aTaskWaitingForAFutureDoesNotHoldUpTheTaskThatCompletesItAndTimersStillFire() throws Exception {
        try (AgentRuntime runtime = AgentRuntime.create("test", 1, 1)) {
            CompletableFuture<String> answer = new CompletableFuture<>();
            CompletableFuture<String> waiter = new CompletableFuture<>();
            runtime.workers().execute(() -> {
                try {
                    waiter.complete(answer.get(20, TimeUnit.SECONDS)); // a managed wait, like a publish waiting for its PUBACK
                } catch (Exception e) {
                    waiter.completeExceptionally(e);
                }
            });
            runtime.workers().execute(() -> answer.complete("acknowledged"));
            assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("acknowledged");

            CountDownLatch fired = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            runtime.workers().execute(() -> {
                try {
                    release.await(10, TimeUnit.SECONDS); // the only worker busy until the timer has fired
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            runtime.scheduler().schedule(fired::countDown, 10, TimeUnit.MILLISECONDS);
            assertThat(fired.await(1, TimeUnit.SECONDS)).as("timers fire while the workers are busy").isTrue();
            release.countDown();
        }
    }
}
