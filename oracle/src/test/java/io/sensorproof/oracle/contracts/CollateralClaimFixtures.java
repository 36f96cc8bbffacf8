package io.sensorproof.oracle.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the committed run-claim fixtures of {@link CollateralClaimFixtureGenerator} (ZoKrates
 * {@code proof.json} plus {@code name} and {@code note}) from {@code claims/c2/} on the test
 * classpath, in the shapes the contracts take: nine public inputs and the eight proof words.
 */
final class CollateralClaimFixtures {
    static final String DEVICE_A = "lot-1-probe-a";
    static final String DEVICE_B = "lot-1-probe-b";
    static final String DEVICE_C = "lot-1-probe-c";
    static final String DEVICE_X = "lot-2-probe-x";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CollateralClaimFixtures() {
    }

    /** A device id as a field element: the big-endian integer of its ASCII bytes (protocol §1). */
    static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * One fixture.
     *
     * @param name file name without {@code .json}
     * @param inputs root, device, quantity, lo, hi, firstTime, lastTime, count, maxGap
     * @param proof a.x, a.y, b.x[0], b.x[1], b.y[0], b.y[1], c.x, c.y as proof.json lists them
     */
    record RunFixture(String name, List<BigInteger> inputs, List<BigInteger> proof) {
        RunFixture {
            inputs = List.copyOf(inputs);
            proof = List.copyOf(proof);
            if (inputs.size() != 9 || proof.size() != 8) {
                throw new IllegalArgumentException(name + ": a run claim has 9 inputs and 8 proof words");
            }
        }

        BigInteger device() {
            return inputs.get(1);
        }

        long firstTime() {
            return inputs.get(5).longValueExact();
        }

        long lastTime() {
            return inputs.get(6).longValueExact();
        }
    }

    /** The text of the fixture {@code claims/c2/<name>.json}. */
    static String text(String name) {
        String resource = "/claims/c2/" + name + ".json";
        try (InputStream in = CollateralClaimFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture {@code claims/c2/<name>.json}. */
    static RunFixture load(String name) {
        try {
            JsonNode file = JSON.readTree(text(name));
            List<BigInteger> inputs = new ArrayList<>();
            file.path("inputs").forEach(n -> inputs.add(hex(n)));
            JsonNode p = file.path("proof");
            List<BigInteger> proof = new ArrayList<>();
            for (JsonNode n : List.of(p.path("a").get(0), p.path("a").get(1), p.path("b").get(0).get(0),
                    p.path("b").get(0).get(1), p.path("b").get(1).get(0), p.path("b").get(1).get(1), p.path("c").get(0),
                    p.path("c").get(1))) {
                proof.add(hex(n));
            }
            return new RunFixture(name, inputs, proof);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigInteger hex(JsonNode n) {
        String text = n.asText();
        if (!text.startsWith("0x")) {
            throw new IllegalArgumentException("not a 0x number: " + text);
        }
        return new BigInteger(text.substring(2), 16);
    }
}
