package io.sensorproof.sim.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Polls a condition of the gateway or the chain until it holds, telling the narrative every few seconds
 * what is awaited and for how long (so that a slow step, such as proving, shows progress), and noting the
 * step so that a timeout of the demo names it. There is no timeout here: the demo's {@code --timeout}
 * interrupts the act.
 */
final class Waits {
    private static final long POLL_MILLIS = 500;
    private static final long PROGRESS_MILLIS = 5_000;

    private Waits() {
    }

    /**
     * The first value {@code probe} returns, polled every half second.
     *
     * @param act the act's name (for the timeout's message)
     * @param label who the progress lines are about (an act or a bank)
     * @param step what is awaited, e.g. {@code "freeze confirmed on chain"}
     */
    static <T> T until(Narrative narrative, String act, String label, String step, Callable<Optional<T>> probe) throws Exception {
        narrative.waitingFor(act, step);
        long start = System.nanoTime();
        long nextProgress = start + Duration.ofMillis(PROGRESS_MILLIS).toNanos();
        while (true) {
            Optional<T> value = probe.call();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > nextProgress) {
                narrative.progress(label, step + " (" + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s)");
                nextProgress = System.nanoTime() + Duration.ofMillis(PROGRESS_MILLIS).toNanos();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
