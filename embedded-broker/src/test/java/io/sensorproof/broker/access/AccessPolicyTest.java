package io.sensorproof.broker.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.broker.TestPki;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who {@link AccessPolicy} lets in, and with which topics. */
class AccessPolicyTest {
    private static final String PASSWORD = "correct-horse-battery-staple";
    private static final AccessPolicy POLICY = new AccessPolicy(PASSWORD);
    private static TestPki.Ca ca;

    @BeforeAll
    static void ca() throws Exception {
        ca = TestPki.ca("device CA");
    }

    private static X509Certificate certificate(String... uris) throws Exception {
        return TestPki.device(ca, uris).chain()[0];
    }

    private static AccessDecision decide(String clientId, String user, String password, X509Certificate certificate) {
        return POLICY.decide(new ConnectAttempt(clientId, Optional.ofNullable(user),
                Optional.ofNullable(password).map(p -> p.getBytes(StandardCharsets.UTF_8)), Optional.ofNullable(certificate)));
    }

    @Test
    void grantsADeviceOnlyItsOwnUpStatusAndAckTopics() throws Exception {
        AccessDecision d = decide("acme/cold-7", null, null, certificate("urn:sensorproof:device:acme:cold-7"));
        assertThat(d).isEqualTo(new AccessDecision.Device("acme", "cold-7"));
        assertThat(d.grants()).containsExactly(
                new TopicGrant("t/acme/d/cold-7/up", TopicGrant.Activity.PUBLISH, false),
                new TopicGrant("t/acme/d/cold-7/status", TopicGrant.Activity.PUBLISH, false),
                new TopicGrant("t/acme/d/cold-7/ack", TopicGrant.Activity.SUBSCRIBE, false));
    }

    @Test
    void acceptsTheGatewayOnlyWithItsPassword() {
        assertThat(decide("gw", AccessPolicy.GATEWAY_USERNAME, PASSWORD, null)).isInstanceOf(AccessDecision.Gateway.class);
        assertThat(refusal(decide("gw", AccessPolicy.GATEWAY_USERNAME, PASSWORD + "x", null))).isEqualTo(Refusal.BAD_GATEWAY_CREDENTIALS);
        assertThat(refusal(decide("gw", AccessPolicy.GATEWAY_USERNAME, null, null))).isEqualTo(Refusal.BAD_GATEWAY_CREDENTIALS);
        assertThat(refusal(decide("gw", "admin", PASSWORD, null))).isEqualTo(Refusal.BAD_GATEWAY_CREDENTIALS);
        assertThat(refusal(decide("gw", null, null, null))).isEqualTo(Refusal.NO_CREDENTIALS);
    }

    @Test
    void aCertificateDecidesEvenWhenAUserNameIsSent() throws Exception {
        AccessDecision d = decide("acme/cold-7", AccessPolicy.GATEWAY_USERNAME, PASSWORD, certificate("urn:sensorproof:device:acme:cold-7"));
        assertThat(d).isInstanceOf(AccessDecision.Device.class);
    }

    @Test
    void refusesCertificatesWithoutExactlyOneValidDeviceUri() throws Exception {
        assertThat(refusal(decide("acme/a", null, null, certificate()))).isEqualTo(Refusal.NOT_A_DEVICE_CERTIFICATE);
        assertThat(refusal(decide("acme/a", null, null, certificate("urn:sensorproof:device:acme:a", "urn:sensorproof:device:acme:b"))))
                .isEqualTo(Refusal.NOT_A_DEVICE_CERTIFICATE);
        // ids outside the protocol's grammar could carry topic wildcards or separators
        for (String uri : new String[] {"urn:sensorproof:device:acme:#", "urn:sensorproof:device:acme:+", "urn:sensorproof:device:acme:a/b",
                "urn:sensorproof:device:acme", "urn:sensorproof:device:ACME:a", "urn:sensorproof:device:acme:a:b"}) {
            assertThat(refusal(decide("acme/a", null, null, certificate(uri)))).as(uri).isEqualTo(Refusal.NOT_A_DEVICE_CERTIFICATE);
        }
    }

    @Test
    void refusesADeviceUsingAClientIdThatIsNotItsOwn() throws Exception {
        X509Certificate a = certificate("urn:sensorproof:device:acme:a");
        assertThat(decide("acme/a/aux", null, null, a)).isInstanceOf(AccessDecision.Device.class);
        for (String id : new String[] {"acme/b", "acme/ab", "acme.a", "acme/a-", "gateway-host-1", "", "acme/"}) {
            assertThat(refusal(decide(id, null, null, a))).as(id).isEqualTo(Refusal.CLIENT_ID_NOT_DEVICE);
        }
    }

    private static Refusal refusal(AccessDecision d) {
        assertThat(d).isInstanceOf(AccessDecision.Refused.class);
        assertThat(d.grants()).isEmpty();
        return ((AccessDecision.Refused) d).reason();
    }
}
