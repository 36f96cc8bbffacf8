package io.sensorproof.gateway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The yardstick measured again while a phase runs: every {@code period}, a thread of the generator takes the thread
 * CPU time of {@code batch} BouncyCastle ES256 verifies (the same operation as {@code crypto.es256VerifyMicros}),
 * so the gateway's CPU per message can be set against the speed of the machine at that time and not only against one
 * measurement taken before the gateway started.
 *
 * <p>Why (issue 18): the yardstick measured once before the gateway starts moved between 59 and 90 µs from one run to
 * the next on the same machine within an hour, and six JVMs started back to back measured 63–84 µs, with the
 * gateway's own engine (AWS-LC) moving with it; a ratio against one such measurement moved by ±20 % whatever the
 * gateway did. Samples taken during the phase see the machine the gateway saw, including what the other processes of
 * the run do to its caches.
 *
 * <p>Cost: at the defaults (50 verifies every 500 ms) about 0.7 % of one core, counted in the generator's CPU.
 */
final class VerifySampler implements AutoCloseable {
    private final BooleanSupplier verify;
    private final int batch;
    private final long periodNanos;
    private final List<Double> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private VerifySampler(BooleanSupplier verify, int batch, long periodNanos) {
        this.verify = verify;
        this.batch = batch;
        this.periodNanos = periodNanos;
        this.thread = new Thread(this::loop, "verify-sampler");
        this.thread.setDaemon(true);
    }

    /**
     * Starts sampling.
     *
     * @param verify one verify; must return true
     * @param batch verifies per sample
     * @param periodMillis time from the start of one sample to the start of the next
     */
    static VerifySampler start(BooleanSupplier verify, int batch, long periodMillis) {
        VerifySampler s = new VerifySampler(verify, batch, TimeUnit.MILLISECONDS.toNanos(periodMillis));
        s.thread.start();
        return s;
    }

    private void loop() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long next = System.nanoTime();
        while (running) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                if (!verify.getAsBoolean()) {
                    throw new IllegalStateException("verify failed");
                }
            }
            double micros = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / batch;
            synchronized (samples) {
                samples.add(micros);
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** Stops sampling and waits for the thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The samples so far, in µs per verify, in the order taken. */
    double[] samples() {
        synchronized (samples) {
            return samples.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /** The median of the samples, or NaN with none. */
    double median() {
        return median(samples());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** What the report keeps: the sample count, the median, the quartiles and the extremes, in µs per verify. */
    Map<String, Object> summary() {
        double[] v = samples();
        Arrays.sort(v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", v.length);
        m.put("verifiesPerSample", batch);
        m.put("periodMillis", TimeUnit.NANOSECONDS.toMillis(periodNanos));
        if (v.length > 0) {
            m.put("median", GatewayLoadTest.round(median(v)));
            m.put("p25", GatewayLoadTest.round(v[(int) Math.floor(0.25 * (v.length - 1))]));
            m.put("p75", GatewayLoadTest.round(v[(int) Math.ceil(0.75 * (v.length - 1))]));
            m.put("min", GatewayLoadTest.round(v[0]));
            m.put("max", GatewayLoadTest.round(v[v.length - 1]));
        }
        return m;
    }
}
