package io.sensorproof.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One agent's tasks on a shared pool run one at a time and in order (ADR 048). */
class SerialExecutorTest {

    @Test
    void runsTasksOneAtATimeInSubmissionOrderOnAManyThreadPool() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(2_000);
            // submitted from four threads at once, each in its own increasing order
            ExecutorService submitters = Executors.newFixedThreadPool(4);
            for (int s = 0; s < 4; s++) {
                int submitter = s;
                submitters.execute(() -> {
                    for (int i = 0; i < 500; i++) {
                        int id = submitter * 1000 + i;
                        serial.execute(() -> {
                            if (running.incrementAndGet() > 1) {
                                overlaps.incrementAndGet();
                            }
                            order.add(id);
                            long until = System.nanoTime() + 20_000; // long enough for an overlap to show
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            running.decrementAndGet();
                            done.countDown();
                        });
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            submitters.shutdown();
            assertThat(overlaps.get()).as("tasks running at the same time").isZero();
            for (int s = 0; s < 4; s++) {
                int submitter = s;
                List<Integer> mine = order.stream().filter(id -> id / 1000 == submitter).toList();
                assertThat(mine).as("submitter %d's tasks in its order", s)
                        .containsExactlyElementsOf(IntStream.range(0, 500).map(i -> submitter * 1000 + i).boxed().toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTaskDoesNotStopTheNextAndShutdownWaitsForQueuedTasks() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            SerialExecutor serial = new SerialExecutor(pool);
            CountDownLatch release = new CountDownLatch(1);
            List<String> ran = new CopyOnWriteArrayList<>();
            serial.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.add("first");
                throw new IllegalStateException("boom");
            });
            serial.execute(() -> ran.add("second"));
            serial.shutdown();
            assertThatThrownBy(() -> serial.execute(() -> ran.add("late"))).isInstanceOf(RejectedExecutionException.class);
            assertThat(serial.awaitTermination(Duration.ofMillis(100))).as("a task still waits").isFalse();
            release.countDown();
            assertThat(serial.awaitTermination(Duration.ofSeconds(5))).isTrue();
            assertThat(ran).containsExactly("first", "second");
        } finally {
            pool.shutdownNow();
        }
    }
}
