package io.sensorproof.gateway.ingest;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.Acknowledger;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.Reply;
import io.sensorproof.gateway.core.StoredOutcome;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cose.VerificationKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Opt-in audit trail of ingestion ({@code sensorproof.ingest.audit-log=true}, default off), for
 * crash and replica tests: one line per key after the store transaction returned, one per
 * acknowledgement after it was handed to the transport, appended to {@code <data-dir>/}{@value #FILE_NAME}:
 *
 * <pre>
 * START &lt;pid&gt; &lt;instant&gt;                   once per gateway run
 * COMMITTED &lt;device&gt; &lt;boot&gt; &lt;seq&gt; INSERTED|DUPLICATE   the key is in the database
 * ACKED &lt;device&gt; &lt;boot&gt; &lt;seq&gt;                   a signed "stored" acknowledgement was published
 * REJECTED &lt;device&gt; &lt;boot&gt; &lt;seq&gt; &lt;code&gt;         a signed rejection was published
 * </pre>
 *
 * Each line is one {@code write} on a file opened for appending, so a {@code kill -9} of the JVM
 * loses at most a line being formatted (the page cache keeps what was written; no fsync, the
 * trail is not meant to survive a power loss). A write failure is logged and never affects
 * ingestion.
 */
public final class IngestAuditLog implements AutoCloseable {
    /** File name under the data directory. */
    public static final String FILE_NAME = "ingest-audit.log";

    private static final Logger LOG = Logger.getLogger(IngestAuditLog.class);

    private final FileChannel channel;

    private IngestAuditLog(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens (creating if needed) {@code file} for appending and writes the run's START line. */
    public static IngestAuditLog open(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        IngestAuditLog log = new IngestAuditLog(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
        log.write("START " + ProcessHandle.current().pid() + " " + Instant.now());
        return log;
    }

    /** {@code store}, writing COMMITTED lines for the inserted and duplicate keys once it returned. */
    public MessageStore wrap(MessageStore store) {
        return new MessageStore() {
            @Override
            public StoredOutcome store(List<AcceptedMessage> batch) {
                StoredOutcome outcome = store.store(batch);
                if (outcome != null) {
                    StringBuilder lines = new StringBuilder();
                    for (StoredOutcome.Result r : outcome.results()) {
                        if (r.status() != StoredOutcome.Status.CONFLICT) {
                            MessageKey k = r.key();
                            lines.append("COMMITTED ").append(k.deviceId()).append(' ').append(k.boot()).append(' ')
                                    .append(k.seq()).append(' ').append(r.status()).append('\n');
                        }
                    }
                    writeRaw(lines);
                }
                return outcome;
            }

            @Override
            public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
                return store.storedDigests(keys);
            }
        };
    }

    /**
     * {@code acknowledger}, writing ACKED / REJECTED lines once a reply was published; the reply is
     * read back with the gateway's own {@code ackKey}.
     */
    public Acknowledger wrap(Acknowledger acknowledger, VerificationKey ackKey) {
        return reply -> {
            acknowledger.send(reply);
            record(reply, ackKey);
        };
    }

    private void record(Reply reply, VerificationKey ackKey) {
        try {
            Acknowledgement ack = AcknowledgementCodec.verify(reply.payload(), ackKey);
            StringBuilder lines = new StringBuilder();
            for (BootAck b : ack.boots()) {
                for (SeqRange range : b.stored()) {
                    for (long seq = range.first(); seq <= range.last(); seq++) {
                        lines.append("ACKED ").append(ack.deviceId()).append(' ').append(b.boot()).append(' ').append(seq).append('\n');
                    }
                }
                for (Rejection r : b.rejected()) {
                    lines.append("REJECTED ").append(ack.deviceId()).append(' ').append(b.boot()).append(' ').append(r.seq())
                            .append(' ').append(r.code()).append('\n');
                }
            }
            writeRaw(lines);
        } catch (RuntimeException e) {
            LOG.warnf(e, "audit log: reply %s not recorded", reply);
        }
    }

    private void write(String line) {
        writeRaw(new StringBuilder(line).append('\n'));
    }

    private synchronized void writeRaw(CharSequence lines) {
        if (lines.length() == 0) {
            return;
        }
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(lines.toString());
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            LOG.warnf(e, "audit log: write failed");
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("audit log close", e);
        }
    }
}
