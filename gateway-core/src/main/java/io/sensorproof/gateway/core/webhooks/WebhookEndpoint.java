package io.sensorproof.gateway.core.webhooks;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A receiver registered by a tenant: where deliveries go and which secrets sign them.
 *
 * @param id stable id ({@link #ID}), chosen by the caller
 * @param tenant the tenant that registered it (only that tenant's events may be enqueued for it)
 * @param url the receiver, already accepted by a {@link WebhookUrlPolicy}
 * @param secrets every secret with its validity, oldest first; more than one only during a rotation
 * @param enabled whether deliveries are claimed for it (a 410 Gone disables it; pending deliveries
 *     wait and resume when it is enabled again)
 */
public record WebhookEndpoint(String id, String tenant, URI url, List<WebhookSecret> secrets, boolean enabled) {
    /** Ids of endpoints and events: 1–128 of {@code A-Z a-z 0-9 _ . : -}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    public WebhookEndpoint {
        requireId(id, "endpoint id");
        requireId(tenant, "tenant");
        Objects.requireNonNull(url, "url");
        secrets = List.copyOf(secrets);
        if (secrets.isEmpty()) {
            throw new WebhookException(WebhookError.SECRET_VALIDITY, "an endpoint needs at least one secret");
        }
    }

    static String requireId(String value, String what) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new WebhookException(WebhookError.ID_MALFORMED, what + " must match " + ID.pattern() + ": " + value);
        }
        return value;
    }

    /** The secrets valid at {@code t}, newest first: the ones that sign an attempt made at {@code t}. */
    public List<WebhookSecret> signingSecrets(Instant t) {
        return secrets.stream().filter(s -> s.validAt(t))
                .sorted(Comparator.comparing(WebhookSecret::validFrom).reversed()).toList();
    }

    /**
     * Rotation with overlap: {@code next} joins, and every current secret stops signing at
     * {@code oldValidUntil} (or earlier if it already ends earlier). Until then each attempt carries
     * one signature per secret, so receivers still on an old secret verify; afterwards only
     * {@code next} signs. Secrets that ended before {@code now} are dropped.
     *
     * @throws WebhookException {@code SECRET_VALIDITY} if {@code next} starts after the overlap ends
     *     (there would be a time with no secret)
     */
    public WebhookEndpoint rotate(WebhookSecret next, Instant oldValidUntil, Instant now) {
        Objects.requireNonNull(next, "next");
        if (next.validFrom().isAfter(oldValidUntil)) {
            throw new WebhookException(WebhookError.SECRET_VALIDITY,
                    "the new secret starts at " + next.validFrom() + ", after the old ones end at " + oldValidUntil);
        }
        List<WebhookSecret> kept = new ArrayList<>();
        for (WebhookSecret s : secrets) {
            if (!oldValidUntil.isAfter(s.validFrom())) {
                continue; // would never sign
            }
            WebhookSecret ended = s.endingAt(oldValidUntil);
            if (ended.validUntil().isAfter(now)) {
                kept.add(ended);
            }
        }
        kept.add(next);
        return new WebhookEndpoint(id, tenant, url, kept, enabled);
    }

    /** The same endpoint, enabled or disabled. */
    public WebhookEndpoint withEnabled(boolean on) {
        return new WebhookEndpoint(id, tenant, url, secrets, on);
    }
}
