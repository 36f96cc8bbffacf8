package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

class BatchTakerTest {
    private final BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(100);
    private final List<Integer> batch = new ArrayList<>();

    @Test
    void returnsFalseAndTakesNothingWhenTheQueueStaysEmpty() throws InterruptedException {
        assertThat(BatchTaker.take(queue, batch, Duration.ofMillis(10), 5, Duration.ZERO)).isFalse();
        assertThat(batch).isEmpty();
    }

    @Test
    void takesAtMostTheMaximumInArrivalOrder() throws InterruptedException {
        for (int i = 0; i < 12; i++) {
            queue.add(i);
        }

        assertThat(BatchTaker.take(queue, batch, Duration.ofMillis(10), 5, Duration.ZERO)).isTrue();

        assertThat(batch).containsExactly(0, 1, 2, 3, 4);
        assertThat(queue).hasSize(7);
    }

    @Test
    void withoutLingerTakesOnlyWhatIsAlreadyQueued() throws InterruptedException {
        queue.add(1);
        queue.add(2);

        assertThat(BatchTaker.take(queue, batch, Duration.ofMillis(10), 5, Duration.ZERO)).isTrue();

        assertThat(batch).containsExactly(1, 2);
    }

    @Test
    void lingersForMessagesThatArriveShortlyAfterTheFirst() throws Exception {
        queue.add(1);
        Thread late = new Thread(() -> {
            try {
                // deliberate: the second message arrives while the taker lingers, not before it starts
                Thread.sleep(20);
                queue.add(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        late.start();

        assertThat(BatchTaker.take(queue, batch, Duration.ofMillis(10), 2, Duration.ofSeconds(30))).isTrue();
        late.join();

        assertThat(batch).containsExactly(1, 2);
    }
}
