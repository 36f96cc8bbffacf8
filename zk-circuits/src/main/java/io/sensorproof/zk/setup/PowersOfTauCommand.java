package io.sensorproof.zk.setup;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code java -cp zk-circuits/target/classes io.sensorproof.zk.setup.PowersOfTauCommand
 * --power P --seed SEED --out FILE [--unprepared] [--threads N]}: writes the development powers
 * of tau of {@link PowersOfTau} and prints one JSON line with the parameters and timings.
 * Exit status 2 on a usage error.
 */
public final class PowersOfTauCommand {
    private PowersOfTauCommand() {
    }

    public static void main(String[] args) throws Exception {
        Integer power = null;
        String seed = null;
        Path out = null;
        boolean prepared = true;
        int threads = Runtime.getRuntime().availableProcessors();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--power" -> power = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = args[++i];
                    case "--out" -> out = Path.of(args[++i]);
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    case "--unprepared" -> prepared = false;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (power == null || seed == null || out == null) {
                throw new IllegalArgumentException("--power, --seed and --out are required");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: PowersOfTauCommand --power P --seed SEED --out FILE [--unprepared] [--threads N]: "
                    + e.getMessage());
            System.exit(2);
            return;
        }
        PowersOfTau.Timing timing = new PowersOfTau(power, PowersOfTau.Secrets.fromSeed(seed), threads).write(out, prepared);
        System.out.println(String.format(Locale.ROOT,
                "{\"power\":%d,\"prepared\":%b,\"threads\":%d,\"tablesSeconds\":%.3f,\"powersSeconds\":%.3f,\"lagrangeSeconds\":%.3f}",
                power, prepared, threads, timing.tablesSeconds(), timing.powersSeconds(), timing.lagrangeSeconds()));
    }
}
