package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.status.AgentStatus;
import io.sensorproof.protocol.status.StatusCodec;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private final SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private RegisteredDevice device = new RegisteredDevice("acme", "d1", key.verificationKey(), DeviceStatus.ACTIVE);
    private final List<AgentStatus> recorded = new ArrayList<>();
    private final StatusHandler handler = new StatusHandler(
            kid -> Arrays.equals(kid, key.verificationKey().kid()) ? Optional.of(device) : Optional.empty(),
            (d, status, at) -> recorded.add(status));

    private static AgentStatus status(String deviceId) {
        return new AgentStatus(deviceId, 3, NOW.toEpochMilli() - 1500, 4, 900, Optional.of(new AgentStatus.BootSeq(3, 10)),
                Optional.of(new AgentStatus.BootSeq(3, 9)), 0, 0);
    }

    @Test
    void recordsAVerifiedStatusOfTheTopicsDevice() {
        assertThat(handler.handle("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW)).isTrue();
        assertThat(recorded).containsExactly(status("d1"));
        assertThat(handler.accepted()).isEqualTo(1);
    }

    @Test
    void refusesAndCountsEverythingElseWithoutThrowing() {
        SigningKey other = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        assertThat(handler.handle("t/globex/d/d1/status", StatusCodec.sign(status("d1"), key), NOW)).isFalse();
        assertThat(handler.handle("t/acme/d/d1/status", StatusCodec.sign(status("d2"), key), NOW)).isFalse();
        assertThat(handler.handle("t/acme/d/d1/status", StatusCodec.sign(status("d1"), other), NOW)).isFalse();
        assertThat(handler.handle("t/acme/d/d1/status", new byte[] {1, 2, 3}, NOW)).isFalse();
        assertThat(handler.handle("not/a/topic", StatusCodec.sign(status("d1"), key), NOW)).isFalse();
        device = new RegisteredDevice("acme", "d1", key.verificationKey(), DeviceStatus.SUSPENDED);
        assertThat(handler.handle("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW)).isFalse();
        assertThat(recorded).isEmpty();
        assertThat(handler.refused()).containsEntry("TOPIC_MISMATCH", 1L).containsEntry("BN_MISMATCH", 1L)
                .containsEntry("UNKNOWN_KEY", 1L).containsEntry("TRAILING_BYTES", 1L).containsEntry("INVALID_IDENTIFIER", 1L)
                .containsEntry("DEVICE_INACTIVE", 1L);
    }

    @Test
    void theStatusesOfABatchAreRecordedWithOneCallToTheSink() {
        List<List<StatusSink.Entry>> calls = new ArrayList<>();
        StatusHandler batching = new StatusHandler(
                kid -> Arrays.equals(kid, key.verificationKey().kid()) ? Optional.of(device) : Optional.empty(), new StatusSink() {
                    @Override
                    public void record(RegisteredDevice d, AgentStatus status, Instant at) {
                        throw new AssertionError("recorded one by one");
                    }

                    @Override
                    public void recordAll(List<StatusSink.Entry> entries) {
                        calls.add(List.copyOf(entries));
                    }
                });

        List<Boolean> recorded = batching.handleAll(List.of(
                new StatusHandler.Inbound("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW),
                new StatusHandler.Inbound("t/acme/d/d1/status", new byte[] {1, 2, 3}, NOW),
                new StatusHandler.Inbound("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW.plusSeconds(60))));

        assertThat(recorded).containsExactly(true, false, true);
        assertThat(calls).singleElement().satisfies(entries -> assertThat(entries).extracting(StatusSink.Entry::receivedAt)
                .containsExactly(NOW, NOW.plusSeconds(60)));
        assertThat(batching.accepted()).isEqualTo(2);
        assertThat(batching.refused()).containsOnlyKeys("TRAILING_BYTES");
    }

    @Test
    void aSinkFailureRefusesEveryVerifiedStatusOfTheBatchWithoutThrowing() {
        StatusHandler failing = new StatusHandler(
                kid -> Arrays.equals(kid, key.verificationKey().kid()) ? Optional.of(device) : Optional.empty(), (d, status, at) -> {
                    throw new IllegalStateException("database unavailable");
                });

        List<Boolean> recorded = failing.handleAll(List.of(
                new StatusHandler.Inbound("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW),
                new StatusHandler.Inbound("t/acme/d/d1/status", StatusCodec.sign(status("d1"), key), NOW)));

        assertThat(recorded).containsExactly(false, false);
        assertThat(failing.accepted()).isZero();
        assertThat(failing.refused()).containsEntry("INTERNAL_ERROR", 2L);
    }
}
