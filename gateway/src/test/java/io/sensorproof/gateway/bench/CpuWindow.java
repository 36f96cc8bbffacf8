package io.sensorproof.gateway.bench;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time and memory of the processes under test over one measured window, reported the same way
 * by every gateway load test: CPU seconds, cores busy and CPU µs per message of the gateway,
 * PostgreSQL, the broker and the generator, the machine's busy cores, the gateway's and broker's
 * busiest threads, and the processes' RSS; and the yardstick (BouncyCastle's ES256 verify) sampled while the window ran
 * ({@link VerifySampler}).
 */
final class CpuWindow {
    private static final String[] NAMES = {"gateway", "postgres", "broker", "generator"};
    /** Verifies per yardstick sample during the window, and the time between samples (about 0.7 % of a core). */
    static final int SAMPLE_VERIFIES = 50;
    static final long SAMPLE_PERIOD_MILLIS = 500;

    private final GatewayLoadTest.Accounting accounting;
    private final Map<String, Long> threads0;
    private final Map<String, Long> brokerThreads0;
    private final long[] cpu0;
    private long[] cpu1;
    private Map<String, Long> threads1;
    private Map<String, Long> brokerThreads1;
    private final VerifySampler yardstick;

    private CpuWindow(GatewayLoadTest.Accounting accounting) {
        this.accounting = accounting;
        this.threads0 = Proc.threadTicks(accounting.gateway());
        this.brokerThreads0 = Proc.threadTicks(accounting.broker());
        this.cpu0 = accounting.snapshot();
        GatewayLoadTest.YardstickMessage y = GatewayLoadTest.YardstickMessage.INSTANCE;
        this.yardstick = VerifySampler.start(y::bouncyCastleVerify, SAMPLE_VERIFIES, SAMPLE_PERIOD_MILLIS);
    }

    /** Takes the starting snapshot. */
    static CpuWindow start(GatewayLoadTest.Accounting accounting) {
        return new CpuWindow(accounting);
    }

    /** Takes the closing snapshot. */
    void stop() {
        yardstick.close();
        cpu1 = accounting.snapshot();
        threads1 = Proc.threadTicks(accounting.gateway());
        brokerThreads1 = Proc.threadTicks(accounting.broker());
    }

    /** Adds the window's CPU and memory figures to {@code r}; per-message figures divide by {@code messages}. */
    void report(Map<String, Object> r, double seconds, long messages, double verifyMicros) {
        if (cpu1 == null) {
            throw new IllegalStateException("window not stopped");
        }
        Map<String, Object> cpuSeconds = new LinkedHashMap<>();
        Map<String, Object> cores = new LinkedHashMap<>();
        Map<String, Object> perMessage = new LinkedHashMap<>();
        double totalCpu = 0;
        for (int i = 0; i < NAMES.length; i++) {
            double cs = (cpu1[i] - cpu0[i]) / (double) Proc.TICKS_PER_SECOND;
            totalCpu += cs;
            cpuSeconds.put(NAMES[i], GatewayLoadTest.round2(cs));
            cores.put(NAMES[i], GatewayLoadTest.round2(cs / seconds));
            perMessage.put(NAMES[i], GatewayLoadTest.round(messages == 0 ? -1 : cs * 1e6 / messages));
        }
        cpuSeconds.put("total", GatewayLoadTest.round2(totalCpu));
        cores.put("total", GatewayLoadTest.round2(totalCpu / seconds));
        double machine = (cpu1[4] - cpu0[4]) / (double) Proc.TICKS_PER_SECOND;
        // whatever else runs on the machine (other builds, tests) competes for the same cores
        cores.put("machine", GatewayLoadTest.round2(machine / seconds));
        cores.put("otherProcesses", GatewayLoadTest.round2(Math.max(0, machine - totalCpu) / seconds));
        r.put("cpuSeconds", cpuSeconds);
        r.put("coresBusy", cores);
        r.put("cpuMicrosPerMessage", perMessage);
        double gatewayMicros = (cpu1[0] - cpu0[0]) / (double) Proc.TICKS_PER_SECOND * 1e6 / Math.max(1, messages);
        double serverMicros = (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1] + cpu1[2] - cpu0[2]) / (double) Proc.TICKS_PER_SECOND * 1e6
                / Math.max(1, messages);
        r.put("gatewayCpuPerMessageOverEs256Verify", GatewayLoadTest.round2(gatewayMicros / verifyMicros));
        r.put("gatewayPostgresBrokerCpuPerMessageOverEs256Verify", GatewayLoadTest.round2(serverMicros / verifyMicros));
        // the same yardstick sampled while the window ran (VerifySampler): the machine's speed at the time the gateway worked
        Map<String, Object> during = yardstick.summary();
        during.put("note", "BouncyCastle ES256 verify (as crypto.es256VerifyMicros), thread CPU µs per verify, sampled in the"
                + " generator while this window ran; its CPU is in the generator's");
        r.put("es256VerifyMicrosDuringWindow", during);
        double duringMedian = yardstick.median();
        if (!Double.isNaN(duringMedian)) {
            r.put("gatewayCpuPerMessageOverEs256VerifyDuringWindow", GatewayLoadTest.round2(gatewayMicros / duringMedian));
        }
        r.put("gatewayBusiestThreadsCores", busiest(threads0, threads1, seconds));
        r.put("brokerBusiestThreadsCores", busiest(brokerThreads0, brokerThreads1, seconds));
        Map<String, Object> rss = new LinkedHashMap<>();
        rss.put("gatewayVmRSS", Proc.statusBytes(accounting.gateway(), "VmRSS"));
        rss.put("gatewayVmHWM", Proc.statusBytes(accounting.gateway(), "VmHWM"));
        rss.put("brokerVmRSS", Proc.statusBytes(accounting.broker(), "VmRSS"));
        rss.put("generatorVmRSS", Proc.statusBytes(accounting.generator(), "VmRSS"));
        r.put("rssBytes", rss);
    }

    private static Map<String, Object> busiest(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Comparator.comparingLong((Map.Entry<String, Long> e) -> e.getValue()).reversed())
                .limit(8)
                .forEach(e -> out.put(e.getKey(), GatewayLoadTest.round2(e.getValue() / (double) Proc.TICKS_PER_SECOND / seconds)));
        return out;
    }
}
