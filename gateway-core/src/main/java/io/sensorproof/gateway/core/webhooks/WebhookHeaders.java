package io.sensorproof.gateway.core.webhooks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The three Standard Webhooks headers of one attempt.
 *
 * @param id {@code webhook-id}: the event id, the same on every attempt so receivers deduplicate
 * @param timestamp {@code webhook-timestamp}: Unix seconds of the attempt (fresh per attempt, since
 *     receivers refuse timestamps more than five minutes off)
 * @param signature {@code webhook-signature}: space-separated {@code v1,<base64>} entries, one per
 *     secret valid at the attempt
 */
public record WebhookHeaders(String id, long timestamp, String signature) {
    /** Header names. */
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    public WebhookHeaders {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(signature, "signature");
    }

    /** The headers by name, in the order id, timestamp, signature. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ID, id);
        m.put(TIMESTAMP, Long.toString(timestamp));
        m.put(SIGNATURE, signature);
        return m;
    }

    /** The signature entries ({@code v1,<base64>} each). */
    public List<String> signatures() {
        return List.of(signature.split(" "));
    }
}
