package io.sensorproof.gateway.core.webhooks;

/**
 * Stable codes of refused webhook input and of webhook delivery failures. API errors, metrics and
 * the delivery history use {@link #name()}; the codes never change meaning.
 */
public enum WebhookError {
    /** The URL's scheme is not {@code http} or {@code https}. */
    URL_SCHEME,
    /** The URL does not parse, has no host, has user information or a fragment, or is too long. */
    URL_MALFORMED,
    /** The URL points at one of the gateway's own API or management ports on a local address. */
    URL_SELF,
    /**
     * The URL's host is a link-local address (169.254.0.0/16, fe80::/10): cloud metadata services
     * live there, and a webhook must not become a way to read them.
     */
    URL_LINK_LOCAL,
    /** A secret is not {@code whsec_} + base64 of 24 to 64 bytes. */
    SECRET_MALFORMED,
    /** A secret's validity ends before it starts, or a rotation would leave no valid secret. */
    SECRET_VALIDITY,
    /** A body is not valid UTF-8 (Standard Webhooks receivers verify the body as text). */
    BODY_NOT_UTF8,
    /** A body is larger than {@link WebhookMessage#MAX_BODY_BYTES}. */
    BODY_TOO_LARGE,
    /** An id or event id is empty, too long or has characters outside the allowed set. */
    ID_MALFORMED,
    /** At the time of an attempt the endpoint has no secret valid, so nothing can be signed. */
    NO_VALID_SECRET,
    /** The receiver did not answer within the request timeout. */
    TIMEOUT,
    /** The connection failed (refused, reset, DNS, TLS) or the sender threw. */
    NETWORK,
    /** The receiver answered with a status that is not 2xx. */
    HTTP_STATUS,
    /** The receiver answered 410 Gone: the endpoint is disabled (Standard Webhooks advice). */
    ENDPOINT_GONE
}
