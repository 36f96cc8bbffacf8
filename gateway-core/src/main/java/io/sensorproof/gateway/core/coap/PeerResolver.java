package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.DeviceDirectory;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import java.security.Principal;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/**
 * Maps what DTLS authenticated (a client certificate chain that already validated against the
 * device CAs, or a raw public key) to a device, and refuses peers that are no device of ours.
 *
 * <ul>
 *   <li>Certificate: the SubjectAltName URI {@code urn:sensorproof:device:<tenant>:<device>} names the
 *       device. When the certificate's key is a registered signing key, it must be that device's and the
 *       device must be {@code ACTIVE}.</li>
 *   <li>Raw public key: its kid (protocol §2) must be the signing key of an {@code ACTIVE} device, or a
 *       transport key registered in {@link TransportKeyDirectory} (SM2 devices).</li>
 * </ul>
 * Status checks here make a suspended or revoked device fail its next handshake; the pipeline checks
 * the status again for every message, so an established session does not outlive a revocation.
 */
public final class PeerResolver {
    /** Canonical keys kept by their SPKI encoding, the most recently used (about 0.6 KB each, 30 MB when full). */
    static final int CANONICAL_KEYS_MAX = 50_000;

    private final int canonicalKeysMax;

    private final DeviceDirectory devices;
    private final TransportKeyDirectory transportKeys;
    /**
     * SPKI encoding → canonical key (empty when the key is no supported device key). A pure function of the bytes,
     * so nothing in it goes stale; it only spares every request the parsing, point validation and kid hashing of its
     * session's key: 0.17 instead of 1.95 µs a request ({@code CoapRequestOverheadBenchmark}; issue 18). Least
     * recently used first out; the ingest worker and the DTLS handshakes share it under its lock.
     */
    private final Map<ByteBuffer, Optional<VerificationKey>> canonicalKeys = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Optional<VerificationKey>> eldest) {
            return size() > canonicalKeysMax;
        }
    };

    public PeerResolver(DeviceDirectory devices, TransportKeyDirectory transportKeys) {
        this(devices, transportKeys, CANONICAL_KEYS_MAX);
    }

    PeerResolver(DeviceDirectory devices, TransportKeyDirectory transportKeys, int canonicalKeysMax) {
        this.devices = Objects.requireNonNull(devices, "devices");
        this.transportKeys = Objects.requireNonNull(transportKeys, "transportKeys");
        this.canonicalKeysMax = canonicalKeysMax;
    }

    /** Why a peer is not accepted; {@link #code()} is stable (counted, sent as a diagnostic). */
    public static final class PeerRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;

        public PeerRefusedException(String code, String message) {
            super(message);
            this.code = code;
        }

        /** {@code PEER_UNKNOWN}, {@code PEER_INACTIVE} or {@code PEER_KEY_UNSUPPORTED}. */
        public String code() {
            return code;
        }
    }

    /**
     * The device behind the DTLS principal of an established session, for a request: identity only.
     * The device's status is left to the pipeline, which checks it for every message (and
     * quarantines a suspended device's message as {@code DEVICE_INACTIVE}).
     *
     * @throws PeerRefusedException when the principal names no device of this gateway
     * @throws RuntimeException from the registries when they are unavailable
     */
    public TransportPeer resolve(Principal principal) {
        if (principal instanceof X509CertPath path) {
            return certificatePeer(path.getTarget(), false);
        }
        if (principal instanceof RawPublicKeyIdentity rpk) {
            return rawPublicKeyPeer(rpk.getKey(), false);
        }
        throw new PeerRefusedException("PEER_UNKNOWN", "the DTLS session authenticated no device certificate or raw public key");
    }

    /** The active device named by a certificate that already validated against the trusted device CAs (handshake). */
    public TransportPeer resolveCertificate(X509Certificate certificate) {
        return certificatePeer(certificate, true);
    }

    /** The active device whose signing key or registered transport key is {@code publicKey} (handshake). */
    public TransportPeer resolveRawPublicKey(PublicKey publicKey) {
        return rawPublicKeyPeer(publicKey, true);
    }

    private TransportPeer certificatePeer(X509Certificate certificate, boolean requireActive) {
        TransportPeer peer = DeviceUrn.of(certificate).orElseThrow(() -> new PeerRefusedException("PEER_UNKNOWN",
                "certificate " + certificate.getSubjectX500Principal() + " has no single SubjectAltName URI " + DeviceUrn.PREFIX
                        + "<tenant>:<device>"));
        Optional<VerificationKey> key = canonical(certificate.getPublicKey());
        if (key.isPresent()) {
            Optional<RegisteredDevice> signer = devices.byKid(key.get().kid());
            if (signer.isPresent()) {
                RegisteredDevice d = signer.get();
                if (!d.tenant().equals(peer.tenant()) || !d.deviceId().equals(peer.deviceId())) {
                    throw new PeerRefusedException("PEER_UNKNOWN", "certificate names " + peer + " but its key is registered to "
                            + d.tenant() + "/" + d.deviceId());
                }
                if (requireActive) {
                    requireActive(d);
                }
            }
        }
        return peer;
    }

    private TransportPeer rawPublicKeyPeer(PublicKey publicKey, boolean requireActive) {
        VerificationKey key = canonical(publicKey).orElseThrow(() -> new PeerRefusedException("PEER_KEY_UNSUPPORTED",
                "raw public key of type " + publicKey.getAlgorithm() + " is not a supported device key"));
        Optional<RegisteredDevice> signer = devices.byKid(key.kid());
        if (signer.isPresent()) {
            if (requireActive) {
                requireActive(signer.get());
            }
            return new TransportPeer(signer.get().tenant(), signer.get().deviceId());
        }
        return transportKeys.byTransportKid(key.kid()).orElseThrow(() -> new PeerRefusedException("PEER_UNKNOWN",
                "raw public key kid " + key.kidHex() + " is neither a device key nor a registered transport key"));
    }

    private static void requireActive(RegisteredDevice d) {
        if (d.status() != DeviceStatus.ACTIVE) {
            throw new PeerRefusedException("PEER_INACTIVE", "device " + d.tenant() + "/" + d.deviceId() + " is " + d.status());
        }
    }

    private Optional<VerificationKey> canonical(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null) {
            return Optional.empty();
        }
        ByteBuffer encoded = ByteBuffer.wrap(spki);
        synchronized (canonicalKeys) {
            Optional<VerificationKey> known = canonicalKeys.get(encoded);
            if (known != null) {
                return known;
            }
        }
        Optional<VerificationKey> parsed;
        try {
            parsed = Optional.of(Keys.publicKeyFromSpki(spki));
        } catch (ProtocolException e) {
            parsed = Optional.empty();
        }
        synchronized (canonicalKeys) {
            canonicalKeys.put(encoded, parsed);
        }
        return parsed;
    }

    /** Canonical keys held (for tests). */
    int canonicalKeysCached() {
        synchronized (canonicalKeys) {
            return canonicalKeys.size();
        }
    }

    /** Whether the canonical key of {@code key} is held (for tests; does not count as a use). */
    boolean isCanonicalKeyCached(PublicKey key) {
        synchronized (canonicalKeys) {
            return canonicalKeys.keySet().contains(ByteBuffer.wrap(key.getEncoded()));
        }
    }
}
