package io.sensorproof.broker.access;

import io.sensorproof.protocol.ids.Topics;
import java.util.List;

/** What {@link AccessPolicy} decided for a connection, and the topics it may then use. */
public sealed interface AccessDecision {

    /** The topic grants of an accepted client; empty for a refusal. Everything else is denied. */
    List<TopicGrant> grants();

    /** The gateway's own client: every topic, including the shared subscriptions and the ack topics. */
    record Gateway() implements AccessDecision {
        @Override
        public List<TopicGrant> grants() {
            return List.of(new TopicGrant("#", TopicGrant.Activity.ALL, true));
        }
    }

    /**
     * A device authenticated by its certificate: publish on its own {@code up} and {@code status}
     * topics, subscribe (not shared) to its own {@code ack} topic.
     *
     * @param tenant tenant id from the certificate
     * @param device device id from the certificate
     */
    record Device(String tenant, String device) implements AccessDecision {
        @Override
        public List<TopicGrant> grants() {
            return List.of(new TopicGrant(Topics.up(tenant, device), TopicGrant.Activity.PUBLISH, false),
                    new TopicGrant(Topics.status(tenant, device), TopicGrant.Activity.PUBLISH, false),
                    new TopicGrant(Topics.ack(tenant, device), TopicGrant.Activity.SUBSCRIBE, false));
        }
    }

    /**
     * A refused connection.
     *
     * @param reason stable code
     * @param detail what a person can act on (no secrets)
     */
    record Refused(Refusal reason, String detail) implements AccessDecision {
        @Override
        public List<TopicGrant> grants() {
            return List.of();
        }
    }
}
