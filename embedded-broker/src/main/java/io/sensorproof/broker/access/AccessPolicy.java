package io.sensorproof.broker.access;

import io.sensorproof.protocol.ids.Identifiers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Decides who a connecting client is, without any broker API (ADR 019). A client certificate
 * (already verified by the TLS handshake against the device CA) makes the client the device named by
 * its SAN URI {@code urn:sensorproof:device:<tenant>:<device>}, whose client id must then be
 * {@code <tenant>/<device>} or start with {@code <tenant>/<device>/}; without a certificate, only the
 * gateway's user name with its password is accepted. Anything else is refused with a {@link Refusal}.
 */
public final class AccessPolicy {
    /** The user name of the gateway's own client. */
    public static final String GATEWAY_USERNAME = "sensorproof-gateway";
    /** Prefix of the device URI in a device certificate's SubjectAltName. */
    public static final String DEVICE_URN_PREFIX = "urn:sensorproof:device:";
    private static final int SAN_URI = 6;

    private final byte[] gatewayPassword;

    /** @param gatewayPassword the gateway client's password (at least 16 characters) */
    public AccessPolicy(String gatewayPassword) {
        if (gatewayPassword == null || gatewayPassword.length() < 16) {
            throw new IllegalArgumentException("the gateway password must have at least 16 characters");
        }
        this.gatewayPassword = gatewayPassword.getBytes(StandardCharsets.UTF_8);
    }

    /** The decision for one CONNECT. */
    public AccessDecision decide(ConnectAttempt attempt) {
        if (attempt.clientCertificate().isPresent()) {
            Optional<AccessDecision.Device> device = deviceOf(attempt.clientCertificate().get());
            if (device.isEmpty()) {
                return new AccessDecision.Refused(Refusal.NOT_A_DEVICE_CERTIFICATE,
                        "certificate " + attempt.clientCertificate().get().getSubjectX500Principal().getName()
                                + " names no single device URI");
            }
            String own = device.get().tenant() + "/" + device.get().device();
            if (!attempt.clientId().equals(own) && !attempt.clientId().startsWith(own + "/")) {
                return new AccessDecision.Refused(Refusal.CLIENT_ID_NOT_DEVICE,
                        "client id '" + printable(attempt.clientId()) + "' is not " + own + " or " + own + "/...");
            }
            return device.get();
        }
        if (attempt.username().isEmpty()) {
            return new AccessDecision.Refused(Refusal.NO_CREDENTIALS, "no client certificate and no user name");
        }
        boolean userMatches = GATEWAY_USERNAME.equals(attempt.username().get());
        byte[] offered = attempt.password().orElse(new byte[0]);
        // compare the password even for a wrong user name, so both take the same time
        boolean passwordMatches = MessageDigest.isEqual(gatewayPassword, offered);
        if (userMatches && passwordMatches) {
            return new AccessDecision.Gateway();
        }
        return new AccessDecision.Refused(Refusal.BAD_GATEWAY_CREDENTIALS,
                "user name '" + printable(attempt.username().get()) + "' with " + (attempt.password().isPresent() ? "a wrong" : "no") + " password");
    }

    /**
     * The device named by the certificate: exactly one SAN URI of the profile, with ids of the
     * protocol's grammar (so that they can never contain topic wildcards or separators).
     */
    static Optional<AccessDecision.Device> deviceOf(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        if (names == null) {
            return Optional.empty();
        }
        AccessDecision.Device found = null;
        for (List<?> name : names) {
            if (name.size() >= 2 && Integer.valueOf(SAN_URI).equals(name.get(0)) && name.get(1) instanceof String uri
                    && uri.startsWith(DEVICE_URN_PREFIX)) {
                String[] parts = uri.substring(DEVICE_URN_PREFIX.length()).split(":", -1);
                if (found != null || parts.length != 2 || !Identifiers.isValid(parts[0]) || !Identifiers.isValid(parts[1])) {
                    return Optional.empty();
                }
                found = new AccessDecision.Device(parts[0], parts[1]);
            }
        }
        return Optional.ofNullable(found);
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
