package io.sensorproof.agent.it;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault injected inside the broker: while armed, a PUBLISH on a matching topic stops in HiveMQ's
 * inbound interceptor chain and is neither routed nor acknowledged, so its sender waits for a PUBACK
 * that never comes, until the broker stops. Loaded with {@link EmbeddedBroker#start(java.nio.file.Path,
 * EmbeddedExtension)}.
 */
final class PublishHold implements ExtensionMain {
    /** Longer than any test waits with a held publish; after it HiveMQ drops the publish. */
    private static final Duration HOLD = Duration.ofMinutes(5);

    private final Predicate<String> topics;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger held = new AtomicInteger();

    /** @param topics which publishes to hold while armed */
    PublishHold(Predicate<String> topics) {
        this.topics = topics;
    }

    EmbeddedExtension embedded() {
        return EmbeddedExtension.builder().withId("sensorproof-test-publish-hold").withName("test: hold publishes")
                .withVersion("1").withAuthor("sensorproof").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(this).build();
    }

    /** Holds every matching publish from now on. */
    void arm() {
        armed.set(true);
    }

    /** Lets matching publishes through again (those already held stay held). */
    void disarm() {
        armed.set(false);
    }

    /** Publishes held so far. */
    int held() {
        return held.get();
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        PublishInboundInterceptor interceptor = this::onInboundPublish;
        Services.initializerRegistry().setClientInitializer((initializerInput, client) -> client.addPublishInboundInterceptor(interceptor));
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // nothing to release
    }

    private void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        if (armed.get() && topics.test(input.getPublishPacket().getTopic())) {
            // never resumed: the publish waits here until the broker stops
            output.async(HOLD, TimeoutFallback.FAILURE);
            held.incrementAndGet();
        }
    }
}
