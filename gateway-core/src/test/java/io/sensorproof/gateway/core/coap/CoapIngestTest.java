package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The CoAP ingest core without a network: queueing, peer checks, and the responses of pipeline outcomes. */
class CoapIngestTest {
    private final SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private final Map<ByteBuffer, RegisteredDevice> devices = new ConcurrentHashMap<>();
    private final InMemoryMessageStore store = new InMemoryMessageStore();
    private final InMemoryQuarantine quarantine = new InMemoryQuarantine();
    private final SigningKey alice = register("alice");
    private final SigningKey bob = register("bob");
    private CoapIngest ingest;

    private SigningKey register(String id) {
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        devices.put(ByteBuffer.wrap(key.verificationKey().kid()), new RegisteredDevice("acme", id, key.verificationKey(), DeviceStatus.ACTIVE));
        return key;
    }

    private CoapIngest ingest(int queueCapacity) {
        IngestPipeline pipeline = IngestPipeline.builder().directory(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))))
                .store(store).quarantine(quarantine).acknowledger(reply -> { }).alerts(a -> { }).ackKey(gatewayKey).build();
        ingest = new CoapIngest(new CoapIngestSettings(new java.net.InetSocketAddress(0), queueCapacity, 16, Duration.ZERO,
                Duration.ofSeconds(9), 1024, 512), pipeline, null,
                new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))), TransportKeyDirectory.NONE), Clock.systemUTC());
        return ingest;
    }

    @AfterEach
    void close() {
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void storedMessageIsAnsweredChangedWithTheSignedAckNamingIt() throws Exception {
        ingest(8).start();
        byte[] message = message(alice, "alice", 7, 0);
        CoapReply reply = send("t/acme/d/alice/up", message, peer(alice));
        assertThat(reply.code()).isEqualTo(ResponseCode.CHANGED);
        assertThat(reply.contentFormat()).isEqualTo(CoapReply.COSE_SIGN1);
        assertThat(AcknowledgementCodec.verify(reply.payload(), gatewayKey.verificationKey()).isStored(7, 0)).isTrue();
        assertThat(store.messages()).singleElement().satisfies(m -> assertThat(m.sourceConnectionId()).isEqualTo("coap:acme/alice"));

        CoapReply again = send("t/acme/d/alice/up", message, peer(alice));
        assertThat(again.code()).isEqualTo(ResponseCode.CHANGED);
        assertThat(again.reason()).isEqualTo("DUPLICATE");
    }

    @Test
    void pathOfAnotherDeviceIsRefusedAsPeerMismatchAndQuarantined() throws Exception {
        ingest(8).start();
        CoapReply reply = send("t/acme/d/bob/up", message(bob, "bob", 1, 1), peer(alice));
        assertThat(reply.code()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(reply.contentFormat()).isEqualTo(-1);
        assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).startsWith("PEER_MISMATCH:");
        assertThat(quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo("PEER_MISMATCH");
            assertThat(e.authenticated()).isFalse();
        });
        assertThat(store.messages()).isEmpty();
    }

    @Test
    void sessionWithoutADeviceIdentityIsForbidden() throws Exception {
        ingest(8).start();
        CoapReply reply = send("t/acme/d/alice/up", message(alice, "alice", 1, 1), null);
        assertThat(reply.code()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(reply.reason()).isEqualTo("PEER_UNKNOWN");
        assertThat(ingest.counters()).containsEntry("peer_refused", 1L);
    }

    @Test
    void otherContentFormatIsRefusedBeforeQueueing() throws Exception {
        ingest(8);
        CompletableFuture<CoapReply> reply = new CompletableFuture<>();
        ingest.offer(new CoapUplink(List.of("t", "acme", "d", "alice", "up"), 50, new byte[] {1}, peer(alice)), reply::complete);
        assertThat(reply.getNow(null)).isNotNull().extracting(CoapReply::code).isEqualTo(ResponseCode.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(ingest.queueDepth()).isZero();
    }

    @Test
    void fullQueueIsAnsweredServiceUnavailableWithMaxAgeAtOnce() {
        ingest(1);
        CompletableFuture<CoapReply> first = new CompletableFuture<>();
        CompletableFuture<CoapReply> second = new CompletableFuture<>();
        ingest.offer(new CoapUplink(List.of("t", "acme", "d", "alice", "up"), 18, message(alice, "alice", 1, 1), peer(alice)), first::complete);
        ingest.offer(new CoapUplink(List.of("t", "acme", "d", "alice", "up"), 18, message(alice, "alice", 1, 2), peer(alice)), second::complete);
        assertThat(first).isNotDone();
        CoapReply busy = second.getNow(null);
        assertThat(busy).isNotNull();
        assertThat(busy.code()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(busy.maxAge()).hasValue(9);
        assertThat(busy.reason()).isEqualTo("OVERLOADED");
        assertThat(ingest.counters()).containsEntry("overloaded", 1L).containsEntry("replies.5.03", 1L);
    }

    @Test
    void authenticatedInvalidValueGetsBadRequestWithSignedRejection() throws Exception {
        ingest(8).start();
        byte[] hot = ReadingMessages.sign(new ReadingPack("alice", List.of(new Reading(Quantity.HUMIDITY, 140, System.currentTimeMillis()))),
                2, 3, System.currentTimeMillis(), alice);
        CoapReply reply = send("t/acme/d/alice/up", hot, peer(alice));
        assertThat(reply.code()).isEqualTo(ResponseCode.BAD_REQUEST);
        assertThat(reply.contentFormat()).isEqualTo(CoapReply.COSE_SIGN1);
        assertThat(AcknowledgementCodec.verify(reply.payload(), gatewayKey.verificationKey()).rejection(2, 3))
                .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("INVALID_VALUE"));
    }

    private CoapReply send(String path, byte[] payload, Principal peer) throws Exception {
        CompletableFuture<CoapReply> reply = new CompletableFuture<>();
        ingest.offer(new CoapUplink(List.of(path.split("/")), CoapReply.COSE_SIGN1, payload, peer), reply::complete);
        return reply.get(30, TimeUnit.SECONDS);
    }

    private static Principal peer(SigningKey key) {
        try {
            return new RawPublicKeyIdentity(TestPki.jca(key.verificationKey()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] message(SigningKey key, String device, long boot, long seq) {
        return ReadingMessages.sign(new ReadingPack(device, List.of(new Reading(Quantity.TEMPERATURE, 4.5, System.currentTimeMillis() - 1000))),
                boot, seq, System.currentTimeMillis(), key);
    }
}
