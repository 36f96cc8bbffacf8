package io.sensorproof.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), RandomGenerator.of("L64X128MixRandom"));
        for (int attempt = 0; attempt < 40; attempt++) {
            long cap = Math.min(10_000, 100L << Math.min(attempt, 30));
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delayMillis(attempt)).isBetween(cap / 2, cap);
            }
        }
    }

    @Test
    void jitterSpreadsDelays() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), RandomGenerator.of("L64X128MixRandom"));
        assertThat(java.util.stream.IntStream.range(0, 100).mapToLong(i -> backoff.delayMillis(6)).distinct().count()).isGreaterThan(20);
    }
}
