package io.sensorproof.zk.cli;

import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Command line: {@code verify --vk FILE --proof FILE}. Prints one verdict line and exits 0 when
 * the proof verifies, 1 when the pairing check rejects it, 2 when the key or proof is invalid
 * (malformed JSON, a point off its curve, …; the line names the error code and element), 3 when
 * a file cannot be read and 64 on a usage error.
 */
public final class VerifyCommand {
    public static final int ACCEPTED = 0;
    public static final int REJECTED = 1;
    public static final int INVALID = 2;
    public static final int UNREADABLE = 3;
    public static final int USAGE = 64;

    private static final String USAGE_TEXT = "usage: verify --vk VERIFICATION_KEY --proof PROOF_JSON";

    private VerifyCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command and returns its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !args[0].equals("verify")) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String vk = null;
        String proof = null;
        for (int i = 1; i < args.length; i++) {
            if (i + 1 < args.length && args[i].equals("--vk")) {
                vk = args[++i];
            } else if (i + 1 < args.length && args[i].equals("--proof")) {
                proof = args[++i];
            } else {
                err.println("unexpected argument " + args[i]);
                err.println(USAGE_TEXT);
                return USAGE;
            }
        }
        if (vk == null || proof == null) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String keyJson;
        String proofJson;
        try {
            keyJson = Files.readString(Path.of(vk), StandardCharsets.UTF_8);
            proofJson = Files.readString(Path.of(proof), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("UNREADABLE: " + e);
            return UNREADABLE;
        }
        try {
            Groth16Verifier verifier = Groth16Verifier.fromJson(keyJson);
            Groth16Proof parsed = ZokratesJson.parseProof(proofJson);
            if (verifier.verify(parsed)) {
                out.println("ACCEPTED: the proof verifies against the key (" + verifier.inputCount() + " public inputs)");
                return ACCEPTED;
            }
            out.println("REJECTED: the pairing check fails; the proof does not verify against this key and inputs");
            return REJECTED;
        } catch (VerificationException e) {
            out.println("INVALID: " + e.getMessage());
            return INVALID;
        }
    }
}
