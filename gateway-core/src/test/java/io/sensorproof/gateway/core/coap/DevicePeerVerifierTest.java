package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.junit.jupiter.api.Test;

/** The DTLS client check without a handshake: certificate chains and raw public keys of devices. */
class DevicePeerVerifierTest {
    private final Map<ByteBuffer, RegisteredDevice> devices = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, TransportPeer> transportKeys = new ConcurrentHashMap<>();
    private final PeerResolver resolver = new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))),
            kid -> Optional.ofNullable(transportKeys.get(ByteBuffer.wrap(kid))));

    private SigningKey register(String id, DeviceStatus status) {
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        devices.put(ByteBuffer.wrap(key.verificationKey().kid()), new RegisteredDevice("acme", id, key.verificationKey(), status));
        return key;
    }

    private static CertificateVerificationResult verify(DevicePeerVerifier verifier, CertificateMessage message) {
        return verifier.verifyCertificate(new ConnectionId(new byte[] {1}), null, null, true, false, true, message);
    }

    @Test
    void deviceCertificateFromTheTrustedCaIsAcceptedAndNamesItsDevice() throws Exception {
        TestPki pki = TestPki.create("ca");
        SigningKey key = register("cold-room-7", DeviceStatus.ACTIVE);
        X509Certificate cert = pki.issueDevice(TestPki.jca(key.verificationKey()), "acme", "cold-room-7", true);
        DevicePeerVerifier verifier = new DevicePeerVerifier(() -> List.of(pki.ca), resolver);
        assertThat(verify(verifier, new CertificateMessage(List.of(cert, pki.ca))).getException()).isNull();
        assertThat(resolver.resolveCertificate(cert)).isEqualTo(new TransportPeer("acme", "cold-room-7"));
        assertThat(DeviceUrn.of(cert)).contains(new TransportPeer("acme", "cold-room-7"));
    }

    @Test
    void certificatesFromAnotherCaWithoutClientAuthOrOfARevokedDeviceAreRefused() throws Exception {
        TestPki trusted = TestPki.create("trusted");
        TestPki other = TestPki.create("other");
        KeyPair transport = TestPki.p256();
        DevicePeerVerifier verifier = new DevicePeerVerifier(() -> List.of(trusted.ca), resolver);
        X509Certificate foreign = other.issueDevice(transport.getPublic(), "acme", "x", true);
        assertThat(verify(verifier, new CertificateMessage(List.of(foreign, other.ca))).getException()).isNotNull();
        X509Certificate noClientAuth = trusted.issueDevice(transport.getPublic(), "acme", "x", false);
        assertThat(verify(verifier, new CertificateMessage(List.of(noClientAuth, trusted.ca))).getException()).isNotNull();
        SigningKey revokedKey = register("gone", DeviceStatus.REVOKED);
        X509Certificate revoked = trusted.issueDevice(TestPki.jca(revokedKey.verificationKey()), "acme", "gone", true);
        assertThat(verify(verifier, new CertificateMessage(List.of(revoked, trusted.ca))).getException()).isNotNull();
        SigningKey someoneElse = register("someone", DeviceStatus.ACTIVE);
        X509Certificate misnamed = trusted.issueDevice(TestPki.jca(someoneElse.verificationKey()), "acme", "not-someone", true);
        assertThat(verify(verifier, new CertificateMessage(List.of(misnamed, trusted.ca))).getException()).isNotNull();
        assertThat(verifier.refused()).containsEntry("PEER_UNTRUSTED", 1L).containsEntry("PEER_CERTIFICATE_USAGE", 1L)
                .containsEntry("PEER_INACTIVE", 1L).containsEntry("PEER_UNKNOWN", 1L);
        assertThat(verifier.accepted()).isZero();
    }

    @Test
    void rawPublicKeysMustBeARegisteredActiveDeviceKeyOrTransportKey() throws Exception {
        DevicePeerVerifier verifier = new DevicePeerVerifier(List::of, resolver);
        SigningKey active = register("a", DeviceStatus.ACTIVE);
        SigningKey suspended = register("s", DeviceStatus.SUSPENDED);
        KeyPair transport = TestPki.p256();
        KeyPair stranger = TestPki.p256();
        transportKeys.put(ByteBuffer.wrap(Keys.publicKeyFromSpki(transport.getPublic().getEncoded()).kid()), new TransportPeer("acme", "sm2-1"));
        assertThat(verify(verifier, new CertificateMessage(TestPki.jca(active.verificationKey()))).getException()).isNull();
        assertThat(verify(verifier, new CertificateMessage(transport.getPublic())).getException()).isNull();
        assertThat(resolver.resolveRawPublicKey(transport.getPublic())).isEqualTo(new TransportPeer("acme", "sm2-1"));
        assertThat(verify(verifier, new CertificateMessage(TestPki.jca(suspended.verificationKey()))).getException()).isNotNull();
        assertThat(verify(verifier, new CertificateMessage(stranger.getPublic())).getException()).isNotNull();
        assertThat(verifier.refused()).containsEntry("PEER_INACTIVE", 1L).containsEntry("PEER_UNKNOWN", 1L);
    }

    @Test
    void deviceUrnNeedsValidIdentifiers() {
        assertThat(DeviceUrn.parse("urn:sensorproof:device:acme:cold-room-7")).contains(new TransportPeer("acme", "cold-room-7"));
        assertThat(DeviceUrn.parse("urn:sensorproof:device:ACME:x")).isEmpty();
        assertThat(DeviceUrn.parse("urn:sensorproof:device:acme:x:y")).isEmpty();
        assertThat(DeviceUrn.parse("urn:other:acme:x")).isEmpty();
        assertThat(DeviceUrn.of(new TransportPeer("acme", "x"))).isEqualTo("urn:sensorproof:device:acme:x");
    }
}
