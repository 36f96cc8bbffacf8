package io.sensorproof.agent.outbox;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The device's emissions register (protocol §3.3 {@code co2e-register}): the CO2e mass in whole
 * grams since the meter was commissioned, and the time of the newest register reading that carries
 * it. It is kept durable across reboots in the file {@code co2e-register}, one line
 * {@code co2e-register=<grams> t=<ms> crc32c=<8 hex digits>} (the checksum covers the text before
 * it), and every change is written durably (temporary file, force, atomic rename, force of the
 * directory) <em>before</em> the reading that carries it joins a pack, so a sealed reading never
 * holds a value the file has not reached.
 *
 * <p>A file that does not match is refused rather than reset: a register restarted at 0 would
 * be lower than readings the gateway has stored, and it refuses those with {@code
 * REGISTER_DECREASED}. The outbox is the floor, as for {@link BootCounter}: at open the register is
 * at least the highest register reading in the outbox's pending and kept-aside messages (a lost file
 * next to an undelivered backlog restarts from the backlog). Readings already acknowledged and
 * removed from the outbox are not a floor: losing the file after they left is for an operator to
 * repair (restore the file, or write the last stored value with {@link #line}).
 *
 * <p>The register moves forward only: a reading at or before the time of the newest register
 * reading is refused, as is a lower value. Not thread-safe; the agent calls it under its write lock.
 */
public final class EmissionsRegister {
    /** Highest register value, in grams: 2^53 - 1, the largest integer every double holds exactly. */
    public static final long MAX_GRAMS = (1L << 53) - 1;
    static final String FILE = "co2e-register";
    private static final String TEMP = "co2e-register.tmp";
    private static final Pattern LINE = Pattern.compile(
            "(co2e-register=(0|[1-9][0-9]{0,15}) t=(0|[1-9][0-9]{0,15})) crc32c=([0-9a-f]{8})\n");

    private final Path dataDir;
    /** Written under the agent's pack lock; read without it (status). */
    private volatile long grams;
    private long timeMillis;

    private EmissionsRegister(Path dataDir, long grams, long timeMillis) {
        this.dataDir = dataDir;
        this.grams = grams;
        this.timeMillis = timeMillis;
    }

    /**
     * Reads {@code dataDir/co2e-register} (0 g at time 0 if absent), raises it to the highest register
     * reading in {@code outbox} (writing the raised value durably) and returns it.
     *
     * @throws IOException when the file is corrupt or cannot be read or written
     */
    public static EmissionsRegister open(Path dataDir, Outbox outbox) throws IOException {
        Files.createDirectories(dataDir);
        long[] stored = read(dataDir.resolve(FILE));
        long[] floor = floorOf(outbox);
        EmissionsRegister register = new EmissionsRegister(dataDir, Math.max(stored[0], floor[0]), Math.max(stored[1], floor[1]));
        if (register.grams != stored[0] || register.timeMillis != stored[1]) {
            register.write(register.grams, register.timeMillis);
        }
        return register;
    }

    /** The register, in grams. */
    public long grams() {
        return grams;
    }

    /** The time of the newest register reading, ms since the epoch (0 before the first). */
    public long timeMillis() {
        return timeMillis;
    }

    /**
     * Takes a meter's register reading: durably stores {@code newGrams} at {@code atMillis}.
     *
     * @throws ProtocolException {@code REGISTER_DECREASED} when {@code newGrams} is lower than the
     *     register or {@code atMillis} is before the newest register reading (a register reading
     *     stamped earlier would break the order of values in time); {@code DUPLICATE_READING_TIME}
     *     when {@code atMillis} is the newest register reading's time; {@code INVALID_VALUE} beyond
     *     {@link #MAX_GRAMS}. Nothing is written then.
     * @throws IOException when the file cannot be written (the register is unchanged)
     */
    public void advanceTo(long newGrams, long atMillis) throws IOException {
        if (newGrams < 0 || newGrams > MAX_GRAMS) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE, "co2e-register " + newGrams + " g is outside [0, 2^53 - 1]");
        }
        checkTime(atMillis);
        if (newGrams < grams) {
            throw new ProtocolException(ErrorCode.REGISTER_DECREASED,
                    "co2e-register " + newGrams + " g is lower than the device's register, " + grams + " g at " + timeMillis + " ms");
        }
        write(newGrams, atMillis);
    }

    /**
     * Adds the mass of an interval ending at {@code atMillis} and durably stores the sum.
     *
     * @return the new register value, in grams
     * @throws ProtocolException as {@link #advanceTo}; {@code INVALID_VALUE} for a negative mass
     *     or a sum beyond {@link #MAX_GRAMS}
     * @throws IOException when the file cannot be written (the register is unchanged)
     */
    public long add(long intervalGrams, long atMillis) throws IOException {
        if (intervalGrams < 0) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE, "interval mass " + intervalGrams + " g is negative");
        }
        if (intervalGrams > MAX_GRAMS - grams) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE,
                    "adding " + intervalGrams + " g to the register's " + grams + " g would pass 2^53 - 1 g");
        }
        advanceTo(grams + intervalGrams, atMillis);
        return grams;
    }

    private void checkTime(long atMillis) {
        if (timeMillis > 0 && atMillis == timeMillis) {
            throw new ProtocolException(ErrorCode.DUPLICATE_READING_TIME,
                    "a co2e-register reading at " + atMillis + " ms was already taken (" + grams + " g)");
        }
        if (atMillis < timeMillis) {
            throw new ProtocolException(ErrorCode.REGISTER_DECREASED, "co2e-register reading at " + atMillis
                    + " ms is before the newest one at " + timeMillis + " ms; register readings are taken in time order");
        }
    }

    private void write(long newGrams, long atMillis) throws IOException {
        Durable.replaceAtomically(FileIo.SYSTEM, dataDir.resolve(TEMP), dataDir.resolve(FILE),
                ByteBuffer.wrap(line(newGrams, atMillis).getBytes(StandardCharsets.US_ASCII)));
        grams = newGrams;
        timeMillis = atMillis;
    }

    /** The file's content for a register of {@code grams} at {@code timeMillis} (for repairs and tests). */
    public static String line(long grams, long timeMillis) {
        String value = "co2e-register=" + grams + " t=" + timeMillis;
        return value + " crc32c=" + crcHex(value) + "\n";
    }

    private static long[] read(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new long[] {0, 0};
        }
        Matcher m = LINE.matcher(new String(content, StandardCharsets.ISO_8859_1));
        if (!m.matches() || !crcHex(m.group(1)).equals(m.group(4))) {
            throw new IOException("emissions register file " + file + " is corrupt; refusing to reset it, which would make the"
                    + " register decrease. Restore it, or write the device's last stored register value");
        }
        long grams = Long.parseLong(m.group(2));
        if (grams > MAX_GRAMS) {
            throw new IOException("emissions register file " + file + " holds " + grams + " g, beyond 2^53 - 1");
        }
        return new long[] {grams, Long.parseLong(m.group(3))};
    }

    /** The highest register value and the newest register time in the outbox's pending and kept-aside messages. */
    private static long[] floorOf(Outbox outbox) throws IOException {
        long[] floor = {0, 0};
        MessageId cursor = null;
        while (true) {
            List<OutboxMessage> page = outbox.pending(cursor, 256);
            if (page.isEmpty()) {
                break;
            }
            for (OutboxMessage m : page) {
                raise(floor, m.bytes());
                cursor = m.id();
            }
        }
        for (KeptAside k : outbox.keptAside()) {
            raise(floor, k.bytes());
        }
        return floor;
    }

    private static void raise(long[] floor, byte[] message) {
        List<Reading> readings;
        try {
            readings = ReadingMessages.decode(message).pack().readings();
        } catch (ProtocolException e) {
            return; // a damaged record carries no register the gateway could store
        }
        for (Reading r : readings) {
            if (r.quantity() == Quantity.CO2E_REGISTER) {
                try {
                    floor[0] = Math.max(floor[0], r.fixedValue());
                    floor[1] = Math.max(floor[1], r.timeMillis());
                } catch (ProtocolException e) {
                    // an invalid value the agent would not have sealed: no floor
                }
            }
        }
    }

    private static String crcHex(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(StandardCharsets.US_ASCII));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
