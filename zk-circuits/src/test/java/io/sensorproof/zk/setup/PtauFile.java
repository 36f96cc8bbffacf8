package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small {@code .ptau} reader for tests: the sections in file order and their points. */
record PtauFile(int version, int declaredSections, Map<Integer, byte[]> sections) {
    static PtauFile read(Path file) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        buffer.get(magic);
        if (!"ptau".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IOException("not a ptau file");
        }
        int version = buffer.getInt();
        int count = buffer.getInt();
        Map<Integer, byte[]> sections = new LinkedHashMap<>();
        while (buffer.hasRemaining()) {
            int id = buffer.getInt();
            long size = buffer.getLong();
            byte[] content = new byte[Math.toIntExact(size)];
            buffer.get(content);
            if (sections.put(id, content) != null) {
                throw new IOException("section " + id + " twice");
            }
        }
        return new PtauFile(version, count, sections);
    }

    private static Fp fp(byte[] bytes, int at) {
        ByteBuffer b = ByteBuffer.wrap(bytes, at, 32).order(ByteOrder.LITTLE_ENDIAN);
        return new Fp(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    }

    private static boolean zero(byte[] bytes, int at, int length) {
        for (int i = at; i < at + length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    List<G1Point> g1(int section) {
        byte[] bytes = sections.get(section);
        List<G1Point> points = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 64) {
            points.add(zero(bytes, at, 64) ? G1Point.INFINITY : G1Point.of(fp(bytes, at), fp(bytes, at + 32)));
        }
        return points;
    }

    List<G2Point> g2(int section) {
        byte[] bytes = sections.get(section);
        List<G2Point> points = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += 128) {
            points.add(zero(bytes, at, 128) ? G2Point.INFINITY : G2Point.of(
                    new Fp2(fp(bytes, at), fp(bytes, at + 32)), new Fp2(fp(bytes, at + 64), fp(bytes, at + 96))));
        }
        return points;
    }
}
