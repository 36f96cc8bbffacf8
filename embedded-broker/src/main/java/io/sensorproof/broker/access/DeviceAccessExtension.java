package io.sensorproof.broker.access;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The broker's access control as a HiveMQ extension loaded in-process ({@link EmbeddedExtension}, no
 * zip): every CONNECT goes through {@link AccessPolicy}, and an accepted client gets exactly the
 * topic permissions of its {@link AccessDecision} with everything else denied, so a device can
 * publish only on its own {@code up}/{@code status} topics and subscribe only to its own {@code ack}
 * topic, while the shared subscriptions and the ack publishes belong to the gateway's client.
 * HiveMQ answers a denied publish with PUBACK "not authorized" and closes the connection, a denied
 * subscription with SUBACK "not authorized". Refusals are logged with their code and counted.
 */
public final class DeviceAccessExtension implements ExtensionMain {
    private static final Logger LOG = Logger.getLogger(DeviceAccessExtension.class.getName());

    private final AccessPolicy policy;
    private final Map<Refusal, AtomicLong> refused = new EnumMap<>(Refusal.class);

    /** @param policy who may connect */
    public DeviceAccessExtension(AccessPolicy policy) {
        this.policy = policy;
        for (Refusal r : Refusal.values()) {
            refused.put(r, new AtomicLong());
        }
    }

    /** This extension packaged for {@code EmbeddedHiveMQ.builder().withEmbeddedExtension(...)}. */
    public static EmbeddedExtension embedded(AccessPolicy policy) {
        return EmbeddedExtension.builder().withId("sensorproof-device-access").withName("sensorproof device access")
                .withVersion("1").withAuthor("sensorproof").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(new DeviceAccessExtension(policy)).build();
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        SimpleAuthenticator authenticator = this::onConnect;
        Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
        LOG.info("device access: clients need a device certificate or the gateway's credentials");
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        // nothing to release: the policy holds no resources
    }

    /** Connections refused so far for {@code reason}. */
    public long refusedCount(Refusal reason) {
        return refused.get(reason).get();
    }

    private void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        Optional<X509Certificate> certificate = input.getConnectionInformation().getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
        ConnectAttempt attempt = new ConnectAttempt(connect.getClientId(), connect.getUserName(),
                connect.getPassword().map(DeviceAccessExtension::bytes), certificate);
        AccessDecision decision;
        try {
            decision = policy.decide(attempt);
        } catch (RuntimeException e) {
            decision = new AccessDecision.Refused(Refusal.NOT_A_DEVICE_CERTIFICATE, "unreadable credentials: " + e.getMessage());
        }
        if (decision instanceof AccessDecision.Refused r) {
            long count = refused.get(r.reason()).incrementAndGet();
            LOG.warning(() -> "refused CONNECT from " + input.getConnectionInformation().getInetAddress().map(Object::toString).orElse("?")
                    + ": " + r.reason() + " (" + r.detail() + "); " + count + " refused for this reason since start");
            output.failAuthentication(r.reason() == Refusal.CLIENT_ID_NOT_DEVICE ? ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID
                    : r.reason() == Refusal.BAD_GATEWAY_CREDENTIALS ? ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD
                    : ConnackReasonCode.NOT_AUTHORIZED, r.reason().name());
            return;
        }
        ModifiableDefaultPermissions permissions = output.getDefaultPermissions();
        permissions.clear();
        for (TopicGrant grant : decision.grants()) {
            permissions.add(permission(grant));
        }
        permissions.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
        output.authenticateSuccessfully();
    }

    private static TopicPermission permission(TopicGrant grant) {
        return Builders.topicPermission().topicFilter(grant.filter()).type(TopicPermission.PermissionType.ALLOW)
                .activity(switch (grant.activity()) {
                    case PUBLISH -> TopicPermission.MqttActivity.PUBLISH;
                    case SUBSCRIBE -> TopicPermission.MqttActivity.SUBSCRIBE;
                    case ALL -> TopicPermission.MqttActivity.ALL;
                })
                .qos(TopicPermission.Qos.ALL)
                .retain(grant.shared() ? TopicPermission.Retain.ALL : TopicPermission.Retain.NOT_RETAINED)
                .sharedSubscription(grant.shared() ? TopicPermission.SharedSubscription.ALL : TopicPermission.SharedSubscription.NOT_SHARED)
                .build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.asReadOnlyBuffer();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
