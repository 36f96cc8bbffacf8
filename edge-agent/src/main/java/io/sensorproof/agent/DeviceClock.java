package io.sensorproof.agent;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device time in UTC milliseconds that never goes backwards within a boot. When the wall clock
 * steps back, the returned time holds at the last value until the wall clock catches up, and the
 * step is recorded ({@link #steps()}, {@link #largestStepMillis()}), not hidden.
 */
public final class DeviceClock {
    private final Clock clock;
    private long last = Long.MIN_VALUE;
    private boolean behind;
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong largestStep = new AtomicLong();

    public DeviceClock(Clock clock) {
        this.clock = clock;
    }

    /** The current device time, at least the previous result. */
    public synchronized long now() {
        long wall = clock.millis();
        if (last != Long.MIN_VALUE && wall < last) {
            if (!behind && wall < last - 1) {
                behind = true;
                steps.incrementAndGet();
                largestStep.accumulateAndGet(last - wall, Math::max);
            }
            return last;
        }
        behind = false;
        last = wall;
        return wall;
    }

    /** Backward steps of the wall clock seen so far, each counted once (steps of 1 ms are ignored). */
    public long steps() {
        return steps.get();
    }

    /** The largest backward step seen, in ms. */
    public long largestStepMillis() {
        return largestStep.get();
    }
}
