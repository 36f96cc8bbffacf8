package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.bundle.Verdict.Outcome;
import io.sensorproof.oracle.bundle.Verdict.Reason;
import java.util.List;
import java.util.Objects;

/**
 * Checks an evidence or verification bundle offline (docs/bundles.md): no server, no chain; the
 * only trusted inputs are the verification keys pinned by the reader ({@link PinnedKeys}). Returns
 * a {@link Verdict}: accepted, rejected with every failed check naming its fields, or malformed
 * with the path of the field that could not be read. Never throws on bad input.
 */
public final class BundleVerifier {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final PinnedKeys keys;

    public BundleVerifier(PinnedKeys keys) {
        this.keys = Objects.requireNonNull(keys);
    }

    /** Checks the bundle in {@code json}. */
    public Verdict verify(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return malformed("not JSON: " + e.getOriginalMessage(), "$");
        }
        if (root == null || !root.isObject()) {
            return malformed("expected a JSON object", "$");
        }
        try {
            String format = Json.text(root, "format", "format");
            long version = Json.integer(root, "version", "version");
            if (format.equals(EvidenceBundleBuilder.FORMAT) && (version == EvidenceBundleBuilder.VERSION
                    || version == EvidenceBundleBuilder.VERSION_HYBRID)) {
                return new EvidenceChecks(keys, (int) version).check(root);
            }
            if (format.equals(VerificationBundleBuilder.FORMAT) && version == VerificationBundleBuilder.VERSION) {
                return new VerificationChecks(keys).check(root);
            }
            return malformed("unsupported bundle " + format + " version " + version, "format", "version");
        } catch (BundleException e) {
            return malformed(e.getMessage(), e.field());
        }
    }

    private static Verdict malformed(String message, String... fields) {
        return new Verdict(Outcome.MALFORMED, List.of(new Reason("MALFORMED", List.of(fields), message)), List.of());
    }
}
