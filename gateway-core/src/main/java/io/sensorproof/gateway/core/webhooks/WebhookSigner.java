package io.sensorproof.gateway.core.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * Signs an attempt per Standard Webhooks: HMAC-SHA256 over {@code id.timestamp.body} with each
 * secret, through the {@code com.standardwebhooks} library (one {@code v1,} entry per secret,
 * space-separated). During a rotation's overlap an endpoint has two valid secrets and every attempt
 * carries both signatures, so a receiver still on the old secret and one already on the new both
 * verify. Stateless and thread-safe.
 */
public final class WebhookSigner {
    /**
     * The headers of an attempt at {@code now} to {@code endpoint}.
     *
     * @throws WebhookException {@code NO_VALID_SECRET} if no secret of the endpoint is valid at
     *     {@code now}; {@code BODY_NOT_UTF8} if the body is not UTF-8
     */
    public WebhookHeaders sign(WebhookEndpoint endpoint, String id, Instant now, byte[] body) {
        List<WebhookSecret> secrets = endpoint.signingSecrets(now);
        if (secrets.isEmpty()) {
            throw new WebhookException(WebhookError.NO_VALID_SECRET,
                    "endpoint " + endpoint.id() + " has no secret valid at " + now);
        }
        return sign(secrets, id, now.getEpochSecond(), body);
    }

    /** The headers for {@code id} at {@code timestampSeconds}, one signature per secret in order. */
    public WebhookHeaders sign(List<WebhookSecret> secrets, String id, long timestampSeconds, byte[] body) {
        Objects.requireNonNull(id, "id");
        if (secrets.isEmpty()) {
            throw new WebhookException(WebhookError.NO_VALID_SECRET, "nothing to sign with");
        }
        // The Standard Webhooks libraries verify the body as text; refuse bytes that would not
        // survive the round trip rather than send a signature nobody can check.
        String payload = utf8(body);
        StringJoiner header = new StringJoiner(" ");
        for (WebhookSecret secret : secrets) {
            try {
                header.add(new Webhook(WebhookSecret.decodeKey(secret.value())).sign(id, timestampSeconds, payload));
            } catch (WebhookSigningException e) {
                throw new IllegalStateException("HmacSHA256 unavailable: " + e.getMessage(), e);
            }
        }
        return new WebhookHeaders(id, timestampSeconds, header.toString());
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new WebhookException(WebhookError.BODY_NOT_UTF8, "a webhook body is UTF-8 text (JSON)");
        }
    }
}
