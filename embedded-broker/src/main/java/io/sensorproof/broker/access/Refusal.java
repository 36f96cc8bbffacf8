package io.sensorproof.broker.access;

/** Why the broker refused a connection; the name is the stable code written to the broker log. */
public enum Refusal {
    /** Neither a client certificate nor a user name: anonymous clients are not served. */
    NO_CREDENTIALS,
    /** A user name without a client certificate that is not the gateway's, or a wrong password. */
    BAD_GATEWAY_CREDENTIALS,
    /** A certificate from the device CA without exactly one SAN URI {@code urn:sensorproof:device:<t>:<d>}. */
    NOT_A_DEVICE_CERTIFICATE,
    /**
     * The client id is not {@code <tenant>/<device>} (or {@code <tenant>/<device>/<suffix>}) of the
     * certificate: a device must not take over another client's session.
     */
    CLIENT_ID_NOT_DEVICE
}
