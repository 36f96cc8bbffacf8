package io.sensorproof.oracle.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of the two committed fixture bundles changed in turn: each change is refused with a
 * reason that names the field, except the fields listed in {@link #NOT_CHECKED_OFFLINE}, each with
 * the reason it cannot matter offline. The table is the bundles' own leaves (every number and
 * string, found by walking the JSON), so a field added to the format joins the test by itself.
 *
 * <p>Default change: integers + 1, hex numbers with the lowest bit flipped, base64 with the middle
 * byte flipped, names swapped for another valid one. Terms are changed by the smallest amount that
 * the proofs do not support ({@link #TERMS}): a stricter term that the evidence still meets (a
 * minDuration 1 ms longer than required but shorter than the runs) leaves a true bundle, which
 * must be accepted.
 */
@Execution(ExecutionMode.CONCURRENT)
class BundleMutationTest {
    private static final Map<String, String> NOT_CHECKED_OFFLINE = new LinkedHashMap<>();
    /** Terms changed by the smallest step the proofs do not support, and a step the evidence still meets. */
    private static final Map<String, long[]> TERMS = new LinkedHashMap<>();
    /** Paths whose reason names a containing field (a proof point; a list in which a member went missing). */
    private static final List<Map.Entry<Pattern, String>> NAMED_AS = List.of(
            Map.entry(Pattern.compile("^(claims\\[\\d+\\]\\.proof\\.[abc])(\\[\\d+\\])+$"), "$1"),
            Map.entry(Pattern.compile("^(facility\\.devices)\\[\\d+\\]$"), "$1"),
            Map.entry(Pattern.compile("^(period\\.devices)\\[\\d+\\]$"), "$1"));

    static {
        String chain = "a pointer to the chain (where to look a transaction or contract up); offline there is no chain to"
                + " compare it with, and verify-claim prints it for the reader to follow";
        NOT_CHECKED_OFFLINE.put("^chain\\..*$", chain);
        NOT_CHECKED_OFFLINE.put("^claims\\[\\d+\\]\\.anchor\\..*$", chain);
        NOT_CHECKED_OFFLINE.put("^freeze\\.transaction\\.(transaction|block)$", chain);
        NOT_CHECKED_OFFLINE.put("^(close|mint)\\..*$", chain);
        NOT_CHECKED_OFFLINE.put("^evidence:facility\\.id$", "the facility on chain the freeze was sent to: a chain pointer"
                + " (in a verification bundle the facility id is bound to the token id and checked)");
        // {refused, still met}: the runs last 13 and 11 min, the claims' range is [27515, 28115] and their
        // maxGap 90 s, the freeze came 113 s after the last reading; the period's claims have maxGap 15 min
        TERMS.put("evidence:facility.watch.lo", new long[] {27_514, 27_516});
        TERMS.put("evidence:facility.watch.minDuration", new long[] {11 * 60_000L + 1, 11 * 60_000L});
        TERMS.put("evidence:facility.watch.maxGap", new long[] {89_999, 90_001});
        TERMS.put("evidence:facility.watch.samplingInterval", new long[] {45_000, 60_001});
        TERMS.put("evidence:facility.watch.maxAge", new long[] {112_999, 113_000});
        TERMS.put("evidence:freeze.transaction.blockTime", new long[] {1_893_456_803L + 3600, 1_893_456_803L + 1});
        TERMS.put("verification:period.maxGap", new long[] {899_999, 900_001});
    }

    private static BundleVerifier verifier;

    @BeforeAll
    static void pin() {
        verifier = new BundleVerifier(BundleFixtures.pinned());
    }

    static Stream<Arguments> fields() {
        List<Arguments> rows = new ArrayList<>();
        for (String bundle : List.of("evidence", "verification")) {
            for (String path : BundleFixtures.leafPaths(BundleFixtures.tree(bundle + ".json"))) {
                rows.add(Arguments.of(bundle, path));
            }
        }
        return rows.stream();
    }

    @Test
    void theFixtureBundlesAreAccepted() {
        for (String bundle : List.of("evidence", "verification")) {
            Verdict verdict = verifier.verify(BundleFixtures.text(bundle + ".json"));
            assertThat(verdict.reasons()).as(bundle).isEmpty();
            assertThat(verdict.accepted()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("fields")
    void aChangedFieldIsRefusedNamingIt(String bundle, String path) {
        Optional<String> ignored = notChecked(bundle, path);
        ObjectNode original = BundleFixtures.tree(bundle + ".json");
        JsonNode value = BundleFixtures.at(original, path);
        JsonNode changed = TERMS.containsKey(bundle + ":" + path) ? LongNode.valueOf(TERMS.get(bundle + ":" + path)[0])
                : change(path, value);
        assertThat(changed).as("the change of " + path).isNotEqualTo(value);
        Verdict verdict = verifier.verify(BundleFixtures.mutated(original, b -> BundleFixtures.set(b, path, changed)));
        if (ignored.isPresent()) {
            assertThat(verdict.accepted()).as(path + " is listed as not checked offline (" + ignored.get()
                    + "), so changing it must not change the verdict: " + verdict.reasons()).isTrue();
            return;
        }
        String named = namedAs(path);
        assertThat(verdict.accepted()).as(path + " changed from " + value + " to " + changed + " got through").isFalse();
        assertThat(verdict.reasons()).as(path + " changed: no reason names " + named)
                .anyMatch(r -> r.names(named));
    }

    static Stream<Arguments> removals() {
        return Stream.of(
                Arguments.of("evidence", "devices[0].messages[3]", "claims[0].readings[3]"),
                Arguments.of("evidence", "devices[1].messages[0].readings[1]", "devices[1].messages[0].readings"),
                Arguments.of("evidence", "claims[0].readings[6]", "claims[0].readings"),
                Arguments.of("evidence", "claims[2].paths[11]", "claims[2].paths"),
                Arguments.of("evidence", "freeze.runs[1]", "freeze.runs"),
                Arguments.of("evidence", "freeze.runs[0].claims[1]", "freeze.runs[0].claims"),
                Arguments.of("evidence", "facility.devices[1]", "facility.devices"),
                Arguments.of("verification", "claims[1]", "claims"),
                Arguments.of("verification", "period.devices[1]", "period.devices"));
    }

    @ParameterizedTest(name = "{0}: without {1}")
    @MethodSource("removals")
    void aRemovedElementIsRefusedNamingWhereItIsMissed(String bundle, String path, String named) {
        Verdict verdict = verifier.verify(BundleFixtures.mutated(BundleFixtures.tree(bundle + ".json"),
                b -> BundleFixtures.remove(b, path)));
        assertThat(verdict.accepted()).as("without " + path).isFalse();
        assertThat(verdict.reasons()).as("without " + path + ": " + verdict.reasons()).anyMatch(r -> r.names(named));
    }

    @Test
    void everyTermChangedOtherwiseHasAChangeTheEvidenceStillMeets() {
        // why the table changes these terms by more than one step: a change the proofs still support is accepted
        for (Map.Entry<String, long[]> e : TERMS.entrySet()) {
            String bundle = e.getKey().substring(0, e.getKey().indexOf(':'));
            String path = e.getKey().substring(e.getKey().indexOf(':') + 1);
            Verdict verdict = verifier.verify(BundleFixtures.mutated(BundleFixtures.tree(bundle + ".json"),
                    b -> BundleFixtures.set(b, path, LongNode.valueOf(e.getValue()[1]))));
            assertThat(verdict.accepted()).as(e.getKey() + ": " + verdict.reasons()).isTrue();
        }
    }

    private static Optional<String> notChecked(String bundle, String path) {
        for (Map.Entry<String, String> e : NOT_CHECKED_OFFLINE.entrySet()) {
            if (path.matches(e.getKey()) || (bundle + ":" + path).matches(e.getKey())) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    private static String namedAs(String path) {
        for (Map.Entry<Pattern, String> e : NAMED_AS) {
            Matcher m = e.getKey().matcher(path);
            if (m.matches()) {
                return m.replaceFirst(e.getValue());
            }
        }
        return path;
    }

    /** The default change of a leaf. */
    static JsonNode change(String path, JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.canConvertToInt() ? IntNode.valueOf(value.intValue() + 1) : LongNode.valueOf(value.longValue() + 1);
        }
        String text = value.asText();
        if (text.startsWith("0x")) {
            BigInteger flipped = new BigInteger(text.substring(2), 16).flipBit(0);
            return TextNode.valueOf("0x" + String.format("%0" + (text.length() - 2) + "x", flipped));
        }
        if (path.endsWith(".cose") || path.endsWith(".spki")) {
            byte[] bytes = Base64.getDecoder().decode(text);
            bytes[bytes.length / 2] ^= 0x01;
            return TextNode.valueOf(Base64.getEncoder().encodeToString(bytes));
        }
        if (path.endsWith(".circuit")) {
            return TextNode.valueOf(text.equals("excursion") ? "emissions" : "excursion");
        }
        if (path.endsWith(".quantity")) {
            return TextNode.valueOf(text.equals("temperature") ? "humidity" : "temperature");
        }
        if (path.equals("format")) {
            return TextNode.valueOf(text.replace("bundle", "bundles"));
        }
        return TextNode.valueOf(text.substring(0, text.length() - 1) + "z");
    }
}
