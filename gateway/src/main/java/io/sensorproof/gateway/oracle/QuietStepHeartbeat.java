package io.sensorproof.gateway.oracle;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress for a step that may be silent for a long time (issue 16: "progress is visible for every step
 * that takes more than a second", e.g. the first build of the claim circuits, whose script prints one line
 * per stage and then nothing for a minute while it sets up a key). The step reports each line it prints
 * with {@link #line}; whenever nothing was reported for {@code every}, the heartbeat reports
 * {@code "still <last line> (N s)"}. Runs on a daemon thread until {@link #close()}.
 */
final class QuietStepHeartbeat implements AutoCloseable {
    private final Consumer<String> progress;
    private final long everyNanos;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final Thread thread;
    private volatile long lastReportNanos;
    private volatile String lastLine;
    private volatile boolean closed;

    QuietStepHeartbeat(String name, String firstLine, Duration every, Consumer<String> progress) {
        this(name, firstLine, every, progress, System::nanoTime);
    }

    QuietStepHeartbeat(String name, String firstLine, Duration every, Consumer<String> progress, LongSupplier nanoTime) {
        this.progress = Objects.requireNonNull(progress);
        this.everyNanos = every.toNanos();
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.lastReportNanos = startNanos;
        this.lastLine = firstLine;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Reports a line of the step and restarts the quiet period. */
    void line(String text) {
        lastLine = text;
        lastReportNanos = nanoTime.getAsLong();
        progress.accept(text);
    }

    /** One check: reports a heartbeat if nothing was reported for {@code every}; returns whether it did. */
    boolean beatIfQuiet() {
        long now = nanoTime.getAsLong();
        if (now - lastReportNanos < everyNanos) {
            return false;
        }
        lastReportNanos = now;
        progress.accept("still " + lastLine + " (" + Duration.ofNanos(now - startNanos).toSeconds() + " s)");
        return true;
    }

    private void run() {
        long sleepMillis = Math.max(1, Duration.ofNanos(everyNanos).toMillis() / 4);
        while (!closed) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                beatIfQuiet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
