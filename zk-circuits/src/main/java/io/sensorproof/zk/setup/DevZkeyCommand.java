package io.sensorproof.zk.setup;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code java -cp zk-circuits/target/classes:$(cat zk-circuits/target/setup-classpath.txt)
 * io.sensorproof.zk.setup.DevZkeyCommand --r1cs FILE --ptau FILE --seed SEED --out FILE [--threads N]}:
 * writes the initial {@code .zkey} of {@link DevZkey} (what {@code snarkjs zkey new} writes for the
 * same files) and prints one JSON line with the circuit's sizes, the circuit hash and the timings.
 * Exit status 2 on a usage error, 3 when the inputs are refused (the {@link SetupErrorCode} first
 * on stderr).
 */
public final class DevZkeyCommand {
    private DevZkeyCommand() {
    }

    public static void main(String[] args) throws Exception {
        Path r1cs = null;
        Path ptau = null;
        Path out = null;
        String seed = null;
        int threads = Runtime.getRuntime().availableProcessors();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--r1cs" -> r1cs = Path.of(args[++i]);
                    case "--ptau" -> ptau = Path.of(args[++i]);
                    case "--out" -> out = Path.of(args[++i]);
                    case "--seed" -> seed = args[++i];
                    case "--threads" -> threads = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (r1cs == null || ptau == null || out == null || seed == null) {
                throw new IllegalArgumentException("--r1cs, --ptau, --seed and --out are required");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be ≥ 1");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: DevZkeyCommand --r1cs FILE --ptau FILE --seed SEED --out FILE [--threads N]: " + e.getMessage());
            System.exit(2);
            return;
        }
        DevZkey.Result result;
        try {
            result = new DevZkey(PowersOfTau.Secrets.fromSeed(seed), threads).write(r1cs, ptau, out);
        } catch (SetupFailure e) {
            System.err.println(e.getMessage());
            System.exit(3);
            return;
        }
        DevZkey.Timing t = result.timing();
        System.out.println(String.format(Locale.ROOT,
                "{\"nVars\":%d,\"nPublic\":%d,\"constraints\":%d,\"domainPower\":%d,\"threads\":%d,\"circuitHash\":\"%s\","
                        + "\"readSeconds\":%.3f,\"scalarsSeconds\":%.3f,\"pointsSeconds\":%.3f,\"hashAndWriteSeconds\":%.3f}",
                result.nVars(), result.nPublic(), result.nConstraints(), result.domainPower(), threads,
                HexFormat.of().formatHex(result.circuitHash()), t.readSeconds(), t.scalarsSeconds(), t.pointsSeconds(),
                t.hashAndWriteSeconds()));
    }
}
