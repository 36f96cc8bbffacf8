package io.sensorproof.gateway.core.webhooks;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * One signing secret of an endpoint with its validity, {@code validFrom <= t < validUntil}. An
 * endpoint keeps several during a rotation: the new one and the old one until the overlap ends, and
 * every secret valid at the time of an attempt signs it (see {@link WebhookSigner}).
 *
 * @param value {@code whsec_} + standard base64 of 24 to 64 random bytes (the Standard Webhooks form)
 * @param validFrom first instant the secret signs
 * @param validUntil first instant the secret no longer signs; {@link #FOREVER} when open-ended
 */
public record WebhookSecret(String value, Instant validFrom, Instant validUntil) {
    /** The prefix of every secret. */
    public static final String PREFIX = "whsec_";
    /** {@code validUntil} of a secret without an end (stored as NULL). */
    public static final Instant FOREVER = Instant.MAX;
    /** Key size of generated secrets, in bytes. */
    public static final int GENERATED_KEY_BYTES = 32;

    public WebhookSecret {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        decodeKey(value);
        if (!validUntil.isAfter(validFrom)) {
            throw new WebhookException(WebhookError.SECRET_VALIDITY,
                    "secret valid until " + validUntil + " is not after its start " + validFrom);
        }
    }

    /** A new random secret, valid from {@code from} without end. */
    public static WebhookSecret generate(SecureRandom random, Instant from) {
        byte[] key = new byte[GENERATED_KEY_BYTES];
        random.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key), from, FOREVER);
    }

    /** The raw HMAC key of a {@code whsec_} secret; refuses anything else with {@code SECRET_MALFORMED}. */
    public static byte[] decodeKey(String value) {
        if (value == null || !value.startsWith(PREFIX)) {
            throw new WebhookException(WebhookError.SECRET_MALFORMED, "a secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new WebhookException(WebhookError.SECRET_MALFORMED, "a secret is " + PREFIX + " + standard base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new WebhookException(WebhookError.SECRET_MALFORMED,
                    "a secret's key has 24 to 64 bytes, this one " + key.length);
        }
        return key;
    }

    /** Whether the secret signs at {@code t}. */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && t.isBefore(validUntil);
    }

    /** Whether the secret has no end. */
    public boolean openEnded() {
        return FOREVER.equals(validUntil);
    }

    /** This secret, ending at {@code end} if that is earlier than its current end. */
    public WebhookSecret endingAt(Instant end) {
        return end.isBefore(validUntil) ? new WebhookSecret(value, validFrom, end) : this;
    }

    /** Never prints the secret itself. */
    @Override
    public String toString() {
        return "WebhookSecret[whsec_…, validFrom=" + validFrom + ", validUntil=" + (openEnded() ? "∞" : validUntil) + "]";
    }
}
