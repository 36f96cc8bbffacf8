package io.sensorproof.gateway.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * This replica's MQTT client id when {@code sensorproof.mqtt.client-id} is not set: generated once
 * ({@code gateway-} and 16 random hex digits) and kept in {@code <data-dir>/mqtt-client-id}, so a
 * restarted gateway resumes its persistent session on the broker (ADR 028) and two gateways with
 * data directories of their own never share an id. Written durably (forced temporary file, atomic
 * rename, forced directory): an id lost in a power cut would orphan the session and its queued
 * messages.
 */
public final class MqttClientIdFile {
    /** The file's name under the data directory. */
    public static final String FILE_NAME = "mqtt-client-id";

    /** What MQTT v5 servers must accept (1-23 of 0-9a-zA-Z), widened to what brokers commonly take. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private MqttClientIdFile() {
    }

    /** The id in {@code file}, created with a new random id if the file does not exist. */
    public static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!VALID.matcher(id).matches()) {
                throw new IllegalStateException(file + " does not hold a client id (1-64 of A-Z a-z 0-9 . _ -): '" + id
                        + "'; fix or delete it (a new id starts a new broker session)");
            }
            return id;
        }
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        String id = "gateway-" + HexFormat.of().formatHex(random);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".mqtt-client-id", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        return id;
    }
}
