package io.sensorproof.oracle.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A ZoKrates proof.json read into what the contracts take: the public inputs and the eight proof
 * coordinates a.x, a.y, b.x[0], b.x[1], b.y[0], b.y[1], c.x, c.y (IClaimVerifier's order).
 */
public record ZkProofFile(List<BigInteger> inputs, List<BigInteger> proof) {
    public ZkProofFile {
        inputs = List.copyOf(inputs);
        proof = List.copyOf(proof);
    }

    /** Reads a proof.json file. */
    public static ZkProofFile read(Path file) {
        try {
            return parse(new ObjectMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a proof.json tree ({"proof":{"a","b","c"},"inputs"}). */
    public static ZkProofFile parse(JsonNode json) {
        List<BigInteger> inputs = new ArrayList<>();
        json.path("inputs").forEach(n -> inputs.add(hex(n)));
        JsonNode p = json.path("proof");
        List<BigInteger> proof = List.of(hex(p.path("a").get(0)), hex(p.path("a").get(1)),
                hex(p.path("b").get(0).get(0)), hex(p.path("b").get(0).get(1)),
                hex(p.path("b").get(1).get(0)), hex(p.path("b").get(1).get(1)),
                hex(p.path("c").get(0)), hex(p.path("c").get(1)));
        return new ZkProofFile(inputs, proof);
    }

    /** A file of the repository (system property repo.root, set by the build, else the working directory's parent). */
    public static Path repoFile(String relative) {
        return Path.of(System.getProperty("repo.root", "..")).resolve(relative);
    }

    private static BigInteger hex(JsonNode n) {
        String s = n.asText();
        return new BigInteger(s.startsWith("0x") ? s.substring(2) : s, 16);
    }
}
