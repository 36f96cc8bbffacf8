package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.TransportPeer;
import java.util.Optional;

/**
 * Port to the registry of DTLS transport keys that differ from the device's signing key: an SM2
 * device signs its messages with SM2 but, since Scandium has no SM2 cipher suites, authenticates its
 * DTLS session with a separate ECDSA P-256 key (ADR 012). A raw public key whose kid is neither a
 * registered signing key nor listed here is refused during the handshake.
 *
 * <p>A runtime exception means the registry is unavailable (the handshake or request is refused and
 * retried by the device).
 */
@FunctionalInterface
public interface TransportKeyDirectory {
    /** No transport keys besides the devices' own signing keys. */
    TransportKeyDirectory NONE = kid -> Optional.empty();

    /** The device whose registered transport key has identifier {@code kid} (protocol §2 kid of its canonical SPKI). */
    Optional<TransportPeer> byTransportKid(byte[] kid);
}
