package io.sensorproof.oracle.cli;

import io.sensorproof.oracle.bundle.BundleVerifier;
import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.oracle.bundle.Verdict;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code verify-claim BUNDLE --vk-pin PIN…}: checks an evidence or verification bundle offline
 * (docs/bundles.md) and prints the claim in words, then {@code ACCEPTED} or every reason it was
 * refused, each naming the bundle fields concerned. The verification keys are pinned on the
 * command line, never taken from the bundle. Exit 0 accepted, 1 rejected, 2 malformed bundle,
 * 3 unreadable bundle or key file, 64 usage (also a pin that does not match).
 *
 * <p>It replaces zk-circuits' former {@code verify --vk --proof}, which accepted any valid proof
 * whatever it claimed.
 */
@Command(name = "verify-claim", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = VerifyClaimCommand.USAGE,
        description = "Check an evidence or verification bundle offline against pinned verification keys.")
public final class VerifyClaimCommand implements Callable<Integer> {
    /** Exit status of a bundle or key file that cannot be read. */
    public static final int UNREADABLE = 3;
    /** Exit status of a usage error (unknown option, pin that does not match). */
    public static final int USAGE = 64;

    private static final List<String> CIRCUITS = List.of(RunClaimWitness.CIRCUIT, EmissionsClaimWitness.CIRCUIT);

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the bundle (JSON)")
    Path bundle;

    @Option(names = "--vk-pin", required = true, paramLabel = "PIN",
            description = "a verification key you trust, repeatable: [CIRCUIT=]sha256:HEX pins the key shipped with this"
                    + " tool by the SHA-256 of its verification.key file (the circuit is found by the hash if omitted);"
                    + " CIRCUIT=FILE uses a verification.key file you hold. CIRCUIT is excursion (run claims) or"
                    + " emissions.")
    List<String> pins = new ArrayList<>();

    private PrintWriter out;
    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        VerifyClaimCommand command = new VerifyClaimCommand();
        command.out = out;
        command.err = err;
        CommandLine line = new CommandLine(command).setOut(out).setErr(err);
        int status = line.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    @Override
    public Integer call() {
        PinnedKeys keys = PinnedKeys.none();
        for (String pin : pins) {
            try {
                keys = pin(keys, pin);
            } catch (IOException e) {
                err.println("UNREADABLE: key file of pin " + pin + ": " + e);
                return UNREADABLE;
            } catch (IllegalArgumentException | VerificationException e) {
                err.println("bad --vk-pin " + pin + ": " + e.getMessage());
                return USAGE;
            }
        }
        String json;
        try {
            json = Files.readString(bundle, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("UNREADABLE: " + e);
            return UNREADABLE;
        }
        Verdict verdict = new BundleVerifier(keys).verify(json);
        verdict.description().forEach(out::println);
        switch (verdict.outcome()) {
            case ACCEPTED -> out.println("ACCEPTED: every proof verifies against the pinned keys and the bundle states"
                    + " exactly what they prove");
            case REJECTED -> {
                out.println("REJECTED: " + verdict.reasons().size() + " check(s) failed");
                verdict.reasons().forEach(r -> out.println("  " + r.code() + " " + String.join(", ", r.fields()) + ": "
                        + r.message()));
            }
            case MALFORMED -> verdict.reasons().forEach(r -> out.println("MALFORMED at " + String.join(", ", r.fields())
                    + ": " + r.message()));
            default -> throw new IllegalStateException();
        }
        return verdict.outcome().exitStatus();
    }

    private static PinnedKeys pin(PinnedKeys keys, String pin) throws IOException {
        int eq = pin.indexOf('=');
        String circuit = eq < 0 ? null : pin.substring(0, eq);
        String value = eq < 0 ? pin : pin.substring(eq + 1);
        if (circuit != null && !CIRCUITS.contains(circuit)) {
            throw new IllegalArgumentException("unknown circuit " + circuit + " (" + CIRCUITS + ")");
        }
        if (value.startsWith("sha256:")) {
            String hash = value.substring("sha256:".length());
            if (!hash.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("sha256: takes 64 hex digits");
            }
            if (circuit != null) {
                return keys.withShippedKey(circuit, hash);
            }
            for (String c : CIRCUITS) {
                if (PinnedKeys.sha256Hex(CircuitArtifacts.committedVerificationKey(c))
                        .equalsIgnoreCase(hash)) {
                    return keys.withShippedKey(c, hash);
                }
            }
            throw new IllegalArgumentException("no key shipped with this tool has SHA-256 " + hash);
        }
        if (circuit == null) {
            throw new IllegalArgumentException("a key file needs its circuit: CIRCUIT=FILE");
        }
        return keys.withKey(circuit, Files.readString(Path.of(value), StandardCharsets.UTF_8));
    }
}
