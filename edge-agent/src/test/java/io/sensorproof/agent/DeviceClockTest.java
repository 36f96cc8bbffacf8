package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceClockTest {

    @Test
    void neverGoesBackwardsAndRecordsEachStepOnce() {
        AtomicLong wall = new AtomicLong(1_000_000);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(wall.get());
            }
        };
        DeviceClock device = new DeviceClock(clock);
        assertThat(device.now()).isEqualTo(1_000_000);
        wall.set(1_000_500);
        assertThat(device.now()).isEqualTo(1_000_500);
        wall.set(990_000);
        assertThat(device.now()).isEqualTo(1_000_500);
        assertThat(device.now()).isEqualTo(1_000_500);
        assertThat(device.steps()).isEqualTo(1);
        assertThat(device.largestStepMillis()).isEqualTo(10_500);
        wall.set(1_000_600);
        assertThat(device.now()).isEqualTo(1_000_600);
        wall.set(1_000_000);
        device.now();
        assertThat(device.steps()).isEqualTo(2);
    }
}
