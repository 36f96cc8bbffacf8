package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.protocol.ids.Identifiers;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The device identity in a device certificate: the SubjectAltName URI
 * {@code urn:sensorproof:device:<tenant>:<device>} (the device CA's profile). The subject's CN and O
 * are informative only; the URI is what the gateway trusts.
 */
public final class DeviceUrn {
    /** Prefix of the URI. */
    public static final String PREFIX = "urn:sensorproof:device:";
    private static final int SAN_URI = 6;

    private DeviceUrn() {
    }

    /** The URI naming {@code peer}. */
    public static String of(TransportPeer peer) {
        return PREFIX + peer.tenant() + ":" + peer.deviceId();
    }

    /** Parses a URI of the profile; empty for anything else. */
    public static Optional<TransportPeer> parse(String uri) {
        if (uri == null || !uri.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = uri.substring(PREFIX.length()).split(":", -1);
        if (parts.length != 2 || !Identifiers.isValid(parts[0]) || !Identifiers.isValid(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new TransportPeer(parts[0], parts[1]));
    }

    /**
     * The device named by the certificate's SubjectAltName URIs: exactly one URI of the profile must be
     * present (two different device URIs would make the identity ambiguous).
     */
    public static Optional<TransportPeer> of(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        TransportPeer found = null;
        for (List<?> name : names) {
            if (name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0)) && name.get(1) instanceof String uri
                    && uri.startsWith(PREFIX)) {
                Optional<TransportPeer> peer = parse(uri);
                if (peer.isEmpty() || (found != null && !found.equals(peer.get()))) {
                    return Optional.empty();
                }
                found = peer.get();
            }
        }
        return Optional.ofNullable(found);
    }
}
