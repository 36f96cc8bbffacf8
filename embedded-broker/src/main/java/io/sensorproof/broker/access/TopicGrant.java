package io.sensorproof.broker.access;

/**
 * One allowed topic filter of a client; whatever no grant names is denied.
 *
 * @param filter MQTT topic filter
 * @param activity what the client may do on it
 * @param shared whether shared subscriptions ({@code $share/<group>/...}) and retained publishes are
 *     allowed too; devices get neither
 */
public record TopicGrant(String filter, Activity activity, boolean shared) {
    /** Publish, subscribe, or both. */
    public enum Activity {
        /** Publish only. */
        PUBLISH,
        /** Subscribe only. */
        SUBSCRIBE,
        /** Both. */
        ALL
    }

    public TopicGrant {
        if (filter == null || filter.isEmpty() || activity == null) {
            throw new IllegalArgumentException("filter and activity are required");
        }
    }
}
