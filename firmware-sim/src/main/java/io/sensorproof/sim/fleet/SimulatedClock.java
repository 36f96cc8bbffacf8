package io.sensorproof.sim.fleet;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device clock that shows simulated time: it moves only when the simulator sets it (at each tick),
 * so the device time an agent signs into a message header is that of the tick being processed, not
 * of the wall clock.
 */
public final class SimulatedClock extends Clock {
    private final AtomicLong millis;

    public SimulatedClock(long initialMillis) {
        this.millis = new AtomicLong(initialMillis);
    }

    /** Sets the device time (it may go backwards: a clock step). */
    public void set(long epochMillis) {
        millis.set(epochMillis);
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("simulated device clocks are UTC");
        }
        return this;
    }
}
