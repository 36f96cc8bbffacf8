package io.sensorproof.broker.access;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * What a client presented when it connected: its client id, the CONNECT user name and password, and
 * the leaf of the certificate chain the TLS handshake already verified against the device CA (empty
 * on the plain listener or without a client certificate).
 *
 * @param clientId MQTT client identifier
 * @param username CONNECT user name
 * @param password CONNECT password bytes
 * @param clientCertificate verified client certificate
 */
public record ConnectAttempt(String clientId, Optional<String> username, Optional<byte[]> password,
        Optional<X509Certificate> clientCertificate) {
    public ConnectAttempt {
        if (clientId == null) {
            throw new IllegalArgumentException("clientId");
        }
        username = username == null ? Optional.empty() : username;
        password = password == null ? Optional.empty() : password;
        clientCertificate = clientCertificate == null ? Optional.empty() : clientCertificate;
    }
}
