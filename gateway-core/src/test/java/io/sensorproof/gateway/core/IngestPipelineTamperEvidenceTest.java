package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.message.ReadingMessages;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Refusals that prove something about a device (issue 14) carry a {@link TamperReport} in their
 * quarantine entry: a conflicting duplicate, and a message whose signature verifies under a revoked key
 * of the device and that was signed after the revocation ({@code REVOKED_KEY}). A forgery under the
 * revoked kid, or an old message signed while the key was good, is no evidence ({@code DEVICE_INACTIVE},
 * as before).
 */
class IngestPipelineTamperEvidenceTest {
    private static final Instant REVOKED_AT = minutesAgo(60);

    private final Harness h = new Harness();
    private final TestDevice device = new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256);

    private void registerWithRevokedKey(DeviceStatus status) {
        h.directory.put(new RegisteredDevice(device.tenant, device.id, device.key.verificationKey(), status,
                Optional.of(REVOKED_AT)));
    }

    private static ContentDigest digest(byte[] bytes) {
        return ContentDigest.of(ReadingMessages.decode(bytes).contentDigest());
    }

    private static Outcome.Rejected rejected(Outcome outcome, String code) {
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        assertThat(r.reason().name()).isEqualTo(code);
        return r;
    }

    @Test
    void messageSignedAfterRevocationUnderTheRevokedKeyIsRefusedAsRevokedKeyWithTamperEvidence() {
        registerWithRevokedKey(DeviceStatus.ACTIVE);
        byte[] bytes = device.sign(2, 5, minutesAgo(1), temperature(4.0, minutesAgo(1)));

        Outcome.Rejected r = rejected(h.processOne(h.inbound(device, bytes)), "REVOKED_KEY");

        assertThat(r.authenticated()).isTrue();
        assertThat(r.kept()).isTrue();
        assertThat(r.signedRejection()).isEmpty();
        assertThat(h.sent).isEmpty();
        assertThat(h.store.messages()).isEmpty();
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo("REVOKED_KEY");
            assertThat(e.raw()).isEqualTo(bytes);
            assertThat(e.authenticated()).isTrue();
            assertThat(e.claimedDevice()).contains(device.id);
            assertThat(e.tamper()).contains(new TamperReport(device.id, GatewayReason.REVOKED_KEY,
                    device.key.verificationKey().kidHex(), 2, 5, digest(bytes), NOW));
        });
        assertThat(h.count("rejected.REVOKED_KEY")).isEqualTo(1);
    }

    @Test
    void revokedKeyDecidesBeforeTheDeviceStatusSoARevokedDeviceStillYieldsEvidence() {
        registerWithRevokedKey(DeviceStatus.REVOKED);
        byte[] bytes = device.sign(2, 6, minutesAgo(1), temperature(4.0, minutesAgo(1)));

        rejected(h.processOne(h.inbound(device, bytes)), "REVOKED_KEY");

        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> assertThat(e.tamper()).isPresent());
    }

    @Test
    void forgeryWithTheRevokedKidIsRefusedAsInactiveAndNoEvidence() {
        registerWithRevokedKey(DeviceStatus.ACTIVE);
        byte[] forged = device.forge(device.key.verificationKey().kid(), TestDevice.freshKey(SignatureAlgorithm.ES256), 2, 7,
                minutesAgo(1), temperature(4.0, minutesAgo(1)));

        Outcome.Rejected r = rejected(h.processOne(h.inbound(device, forged)), "DEVICE_INACTIVE");

        assertThat(r.authenticated()).isFalse();
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.authenticated()).isFalse();
            assertThat(e.tamper()).isEmpty();
        });
        assertThat(h.count("rejected.REVOKED_KEY")).isZero();
    }

    @Test
    void messageSignedBeforeTheRevocationIsRefusedAsInactiveWithoutEvidenceBecauseAnyoneCouldReplayIt() {
        registerWithRevokedKey(DeviceStatus.ACTIVE);
        // signed while the key was good (and within the skew allowance after the revocation)
        byte[] old = device.sign(1, 1, REVOKED_AT.minusSeconds(600), temperature(4.0, REVOKED_AT.minusSeconds(600)));
        byte[] withinSkew = device.sign(1, 2, REVOKED_AT.plusSeconds(60), temperature(4.0, REVOKED_AT.plusSeconds(60)));

        rejected(h.processOne(h.inbound(device, old)), "DEVICE_INACTIVE");
        rejected(h.processOne(h.inbound(device, withinSkew)), "DEVICE_INACTIVE");

        assertThat(h.quarantine.entries()).hasSize(2).allSatisfy(e -> {
            assertThat(e.reason().name()).isEqualTo("DEVICE_INACTIVE");
            assertThat(e.authenticated()).isFalse();
            assertThat(e.tamper()).isEmpty();
        });
        assertThat(h.count("rejected.REVOKED_KEY")).isZero();
        assertThat(h.sent).isEmpty();
        assertThat(h.store.messages()).isEmpty();
    }

    @Test
    void suspendedDeviceWithAGoodKeyIsStillInactiveAndNoEvidence() {
        h.directory.put(device.registered(DeviceStatus.SUSPENDED));
        byte[] bytes = device.sign(2, 8, minutesAgo(1), temperature(4.0, minutesAgo(1)));

        rejected(h.processOne(h.inbound(device, bytes)), "DEVICE_INACTIVE");

        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> assertThat(e.tamper()).isEmpty());
    }

    @Test
    void conflictingDuplicateCarriesTamperEvidenceWithTheConflictingDigest() {
        h.register(device);
        byte[] original = device.sign(1, 7, NOW, temperature(3.0, minutesAgo(1)));
        byte[] conflicting = device.sign(1, 7, NOW, temperature(9.0, minutesAgo(1)));
        h.processOne(h.inbound(device, original));

        rejected(h.processOne(h.inbound(device, conflicting)), "CONFLICTING_DUPLICATE");

        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> assertThat(e.tamper()).contains(
                new TamperReport(device.id, GatewayReason.CONFLICTING_DUPLICATE, device.key.verificationKey().kidHex(), 1, 7,
                        digest(conflicting), NOW)));
    }

    @Test
    void otherAuthenticatedRefusalsAreNoEvidence() {
        h.register(device);
        byte[] future = device.sign(1, 9, NOW, temperature(3.0, NOW.plusSeconds(3600)));

        rejected(h.processOne(h.inbound(device, future)), "FUTURE_TIMESTAMP");

        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.authenticated()).isTrue();
            assertThat(e.tamper()).isEmpty();
        });
    }
}
