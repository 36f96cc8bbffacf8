package io.sensorproof.gateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JDK Flight Recorder recording of the gateway child process over one load phase, started and
 * stopped with {@code jcmd} (so warm-up and setup are not in it), and a summary of it for the
 * results file: execution samples by thread, by method on top of the stack (self), by method
 * anywhere in the stack (inclusive), by the first frame of the project's or a library's code
 * (JDK frames skipped), and sampled allocation weight by that frame.
 *
 * <p>Execution samples only see threads running Java code: time in system calls (socket reads and
 * writes), in the garbage collector and in the JIT compilers is not in them; the per-thread CPU
 * from {@code /proc} in the same phase ({@code gatewayBusiestThreadsCores}) has it.
 *
 * <p>Also a main, to summarise any recording: {@code java -cp … JfrProfile file.jfr}.
 */
final class JfrProfile {
    private static final int TOP = 25;

    private final long pid;
    private final Path file;
    private final String name;

    private JfrProfile(long pid, Path file, String name) {
        this.pid = pid;
        this.file = file;
        this.name = name;
    }

    /** Starts a recording named {@code name} in process {@code pid}, with the JDK's {@code profile} settings. */
    static JfrProfile start(long pid, Path file, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
        return new JfrProfile(pid, file.toAbsolutePath(), name);
    }

    /** Stops the recording, writing it to its file. */
    Path stop() throws IOException, InterruptedException {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file);
        return file;
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        cmd.add(Long.toString(pid));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** The summary of a recording (see the class comment). */
    static Map<String, Object> summarise(Path recording) throws IOException {
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> firstNonJdk = new HashMap<>();
        Map<String, Map<String, Long>> selfByThread = new HashMap<>();
        Map<String, Long> allocationByFrame = new HashMap<>();
        Map<String, Long> allocationByThread = new HashMap<>();
        long samples = 0;
        long allocationWeight = 0;
        try (RecordingFile f = new RecordingFile(recording)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                String type = e.getEventType().getName();
                if ("jdk.ExecutionSample".equals(type)) {
                    samples++;
                    String thread = threadName(e.getThread("sampledThread"));
                    byThread.merge(thread, 1L, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    List<RecordedFrame> frames = st.getFrames();
                    String top = method(frames.get(0));
                    self.merge(top, 1L, Long::sum);
                    selfByThread.computeIfAbsent(thread, k -> new HashMap<>()).merge(top, 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame fr : frames) {
                        String m = method(fr);
                        if (seen.add(m)) {
                            inclusive.merge(m, 1L, Long::sum);
                        }
                    }
                    firstNonJdk.merge(firstNonJdkFrame(frames), 1L, Long::sum);
                } else if ("jdk.ObjectAllocationSample".equals(type)) {
                    long weight = e.getLong("weight");
                    allocationWeight += weight;
                    allocationByThread.merge(threadName(e.getThread("eventThread")), weight, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st != null && !st.getFrames().isEmpty()) {
                        allocationByFrame.merge(firstNonJdkFrame(st.getFrames()), weight, Long::sum);
                    }
                }
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("recording", recording.toString());
        r.put("executionSamples", samples);
        r.put("note", "execution samples see Java code only (not system calls, GC or JIT threads); shares are of all samples."
                + " firstNonJdkFrame: the innermost frame outside java.*, javax.*, jdk.*, sun.*, com.sun.*");
        r.put("samplesByThreadPercent", percent(byThread, samples, TOP));
        r.put("selfPercent", percent(self, samples, TOP));
        r.put("inclusivePercent", percent(inclusive, samples, 40));
        r.put("firstNonJdkFramePercent", percent(firstNonJdk, samples, TOP));
        long allSamples = samples;
        Map<String, Object> perThread = new LinkedHashMap<>();
        byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .forEach(t -> perThread.put(t.getKey(), percent(selfByThread.getOrDefault(t.getKey(), Map.of()), allSamples, 10)));
        r.put("selfPercentOfBusiestThreads", perThread);
        r.put("sampledAllocationMegabytes", Math.round(allocationWeight / 1e5) / 10.0);
        r.put("allocationByThreadPercent", percent(allocationByThread, allocationWeight, 10));
        r.put("allocationByFirstNonJdkFramePercent", percent(allocationByFrame, allocationWeight, TOP));
        return r;
    }

    private static String threadName(RecordedThread t) {
        if (t == null) {
            return "?";
        }
        String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
        // per-instance suffixes (client ids, counters) would split one kind of thread into many
        return n == null ? "?" : n.replaceAll("[0-9]+", "#").replaceAll("gateway-[A-Za-z0-9._#-]+", "gateway-…");
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String firstNonJdkFrame(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (!(type.startsWith("java.") || type.startsWith("javax.") || type.startsWith("jdk.") || type.startsWith("sun.")
                    || type.startsWith("com.sun."))) {
                return method(f);
            }
        }
        return method(frames.get(0)) + " (JDK only)";
    }

    private static Map<String, Object> percent(Map<String, Long> counts, long total, int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), total == 0 ? 0 : Math.round(e.getValue() * 1000.0 / total) / 10.0));
        return out;
    }

    public static void main(String[] args) throws IOException {
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(summarise(Path.of(args[0]))));
    }
}
