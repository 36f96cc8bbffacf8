package io.sensorproof.agent.transport;

import io.sensorproof.protocol.cose.SignatureAlgorithm;

/**
 * Which device keys can authenticate a TLS or DTLS session. JSSE (MQTT over TLS) and Scandium (CoAP
 * over DTLS) sign handshakes with ECDSA P-256 and Ed25519 only; an SM2 or ML-DSA device signs its
 * messages with its own key and authenticates DTLS with a separate P-256 transport key (ADR 015,
 * ADR 029).
 */
public final class TlsKeys {
    private TlsKeys() {
    }

    /** Whether a key of {@code algorithm} can authenticate a TLS/DTLS session itself. */
    public static boolean canAuthenticateTls(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256, EDDSA -> true;
            case SM2_SM3, ML_DSA_44, ML_DSA_65 -> false;
        };
    }
}
