package io.sensorproof.oracle.bundle;

import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The verification keys a reader trusts, one per circuit, pinned outside the bundle: a bundle never
 * carries a key, and {@code verify-claim} takes each key either as a file the reader obtained
 * independently or as the SHA-256 of the key file, which must match the key this tool ships (the
 * {@code verification.key} committed in zk-circuits). So a bundle cannot bring a key of its own
 * making, and a reader who pins a hash is told when the shipped key is not the one it expects.
 */
public final class PinnedKeys {
    private final Map<String, Groth16Verifier> verifiers;
    private final Map<String, String> hashes;

    private PinnedKeys(Map<String, Groth16Verifier> verifiers, Map<String, String> hashes) {
        this.verifiers = Map.copyOf(verifiers);
        this.hashes = Map.copyOf(hashes);
    }

    /** No key pinned yet. */
    public static PinnedKeys none() {
        return new PinnedKeys(Map.of(), Map.of());
    }

    /**
     * Adds the key of {@code circuit} from the text of its {@code verification.key} file.
     *
     * @throws io.sensorproof.zk.groth16.VerificationException if the key is unusable
     */
    public PinnedKeys withKey(String circuit, String verificationKeyJson) {
        Map<String, Groth16Verifier> v = new LinkedHashMap<>(verifiers);
        Map<String, String> h = new LinkedHashMap<>(hashes);
        v.put(circuit, Groth16Verifier.fromJson(verificationKeyJson));
        h.put(circuit, sha256Hex(verificationKeyJson));
        return new PinnedKeys(v, h);
    }

    /**
     * Adds the key of {@code circuit} this tool ships, if its SHA-256 is {@code sha256Hex}.
     *
     * @throws IllegalArgumentException when the shipped key has another hash or there is none
     */
    public PinnedKeys withShippedKey(String circuit, String sha256Hex) {
        String key = CircuitArtifacts.committedVerificationKey(circuit);
        String actual = sha256Hex(key);
        if (!actual.equalsIgnoreCase(sha256Hex)) {
            throw new IllegalArgumentException("the shipped " + circuit + " verification key has SHA-256 " + actual
                    + ", not the pinned " + sha256Hex);
        }
        return withKey(circuit, key);
    }

    /** The verifier of {@code circuit}, if pinned. */
    public Optional<Groth16Verifier> verifier(String circuit) {
        return Optional.ofNullable(verifiers.get(circuit));
    }

    /** SHA-256 (hex) of the pinned key file of {@code circuit}, if pinned. */
    public Optional<String> hash(String circuit) {
        return Optional.ofNullable(hashes.get(circuit));
    }

    /** Lowercase hex SHA-256 of the key file's bytes (UTF-8). */
    public static String sha256Hex(String keyFileText) {
        return HexFormat.of().formatHex(EvidenceBundleBuilder.sha256(keyFileText.getBytes(StandardCharsets.UTF_8)));
    }
}
