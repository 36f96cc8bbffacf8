package io.sensorproof.agent.transport;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cose.VerificationKey;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Transport} that passes everything through and, on the device side, records every
 * "stored" acknowledgement that verifies with the gateway's key, by (device, boot, seq), at the
 * moment it arrives. Crash tests and the chaos run compare this record with the database: a key the
 * device saw acknowledged must be stored, whatever the gateway's own logs say (its logs are written
 * in program order and cannot show an acknowledgement sent before its commit).
 */
public final class RecordingTransport implements Transport {
    /** One acknowledged message: device id, boot and seq. */
    public record AckedKey(String deviceId, long boot, long seq) {
        public AckedKey {
            Objects.requireNonNull(deviceId, "deviceId");
        }
    }

    private final Transport delegate;
    private final VerificationKey gatewayKey;
    private final Map<AckedKey, Long> acked = new ConcurrentHashMap<>();
    private final AtomicLong lastAckNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unverified = new AtomicLong();

    /** Wraps {@code delegate}; acknowledgements are verified with {@code gatewayKey} before they are recorded. */
    public RecordingTransport(Transport delegate, VerificationKey gatewayKey) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.gatewayKey = Objects.requireNonNull(gatewayKey, "gatewayKey");
    }

    @Override
    public void start(Listener listener) {
        delegate.start(new Listener() {
            @Override
            public void connected() {
                listener.connected();
            }

            @Override
            public void disconnected(String reason) {
                listener.disconnected(reason);
            }

            @Override
            public void acknowledgement(byte[] bytes) {
                record(bytes);
                listener.acknowledgement(bytes);
            }
        });
    }

    private void record(byte[] bytes) {
        Acknowledgement ack;
        try {
            ack = AcknowledgementCodec.verify(bytes, gatewayKey);
        } catch (RuntimeException e) {
            unverified.incrementAndGet();
            return;
        }
        long now = System.nanoTime();
        boolean any = false;
        for (BootAck b : ack.boots()) {
            for (SeqRange range : b.stored()) {
                for (long seq = range.first(); seq <= range.last(); seq++) {
                    acked.putIfAbsent(new AckedKey(ack.deviceId(), b.boot(), seq), now);
                    any = true;
                }
            }
        }
        if (any) {
            lastAckNanos.accumulateAndGet(now, Math::max);
        }
    }

    /** Every key acknowledged as stored so far (a snapshot). */
    public Set<AckedKey> acknowledged() {
        return Set.copyOf(acked.keySet());
    }

    /** {@link System#nanoTime()} of the latest verified "stored" acknowledgement, or {@link Long#MIN_VALUE} if none. */
    public long lastAckNanos() {
        return lastAckNanos.get();
    }

    /** Acknowledgement bytes that did not verify with the gateway's key (not recorded). */
    public long unverified() {
        return unverified.get();
    }

    @Override
    public boolean isConnected() {
        return delegate.isConnected();
    }

    @Override
    public void sendMessage(byte[] message) throws IOException {
        delegate.sendMessage(message);
    }

    @Override
    public void sendStatus(byte[] status) throws IOException {
        delegate.sendStatus(status);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
