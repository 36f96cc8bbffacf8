package io.sensorproof.gateway.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link WebhookSigner}: the specification's known-answer vector, and every signature checked by the
 * Standard Webhooks library's own {@code Webhook.verify} (a receiver's view), including the failures
 * a receiver must see and the rotation overlap.
 */
class WebhookSignerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BODY = "{\"type\":\"alert.opened\",\"lot\":\"lot-7\",\"t\":\"2026-12-03T10:00:00Z\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final WebhookSigner signer = new WebhookSigner();

    private static Map<String, List<String>> headers(WebhookHeaders h) {
        return h.asMap().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(e.getValue())));
    }

    private static void verify(String secret, byte[] body, WebhookHeaders h) throws WebhookVerificationException {
        new Webhook(secret).verify(new String(body, StandardCharsets.UTF_8), headers(h));
    }

    private static WebhookEndpoint endpoint(WebhookSecret... secrets) {
        return new WebhookEndpoint("ep-1", "bank-a", URI.create("https://bank.example/hooks"), List.of(secrets), true);
    }

    @Test
    void reproducesTheSpecificationsKnownAnswerVector() throws IOException {
        Properties v = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/vectors/standard-webhooks-v1.properties")) {
            v.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        WebhookSecret secret = new WebhookSecret(v.getProperty("secret"), Instant.EPOCH, WebhookSecret.FOREVER);
        WebhookHeaders h = signer.sign(List.of(secret), v.getProperty("id"), Long.parseLong(v.getProperty("timestamp")),
                v.getProperty("body").getBytes(StandardCharsets.UTF_8));
        assertThat(h.signature()).isEqualTo(v.getProperty("signature"));
        assertThat(h.asMap()).containsEntry("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek")
                .containsEntry("webhook-timestamp", "1614265330");
    }

    @Test
    void signatureVerifiesWithTheStandardWebhooksLibrary() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minus(Duration.ofHours(1)));
        Instant now = Instant.now();
        WebhookHeaders h = signer.sign(endpoint(secret), "evt-42", now, BODY);
        verify(secret.value(), BODY, h);
        assertThat(h.id()).isEqualTo("evt-42");
        assertThat(h.timestamp()).isEqualTo(now.getEpochSecond());
    }

    @Test
    void libraryRefusesAFlippedByteOfTheBody() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
        WebhookHeaders h = signer.sign(endpoint(secret), "evt-42", Instant.now(), BODY);
        for (int i = 0; i < BODY.length; i++) {
            byte[] tampered = BODY.clone();
            tampered[i] ^= 0x01;
            assertThatThrownBy(() -> verify(secret.value(), tampered, h)).isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void libraryRefusesAnotherIdThanTheSignedOne() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
        WebhookHeaders h = signer.sign(endpoint(secret), "evt-42", Instant.now(), BODY);
        WebhookHeaders otherId = new WebhookHeaders("evt-43", h.timestamp(), h.signature());
        assertThatThrownBy(() -> verify(secret.value(), BODY, otherId)).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void libraryRefusesAWrongSecret() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
        WebhookSecret other = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
        WebhookHeaders h = signer.sign(endpoint(secret), "evt-42", Instant.now(), BODY);
        assertThatThrownBy(() -> verify(other.value(), BODY, h)).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void libraryRefusesATimestampOlderThanFiveMinutes() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minus(Duration.ofHours(1)));
        WebhookHeaders old = signer.sign(endpoint(secret), "evt-42", Instant.now().minus(Duration.ofMinutes(6)), BODY);
        assertThatThrownBy(() -> verify(secret.value(), BODY, old)).isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("too old");
        WebhookHeaders fresh = signer.sign(endpoint(secret), "evt-42", Instant.now().minus(Duration.ofMinutes(4)), BODY);
        verify(secret.value(), BODY, fresh);
    }

    @Test
    void duringTheRotationOverlapBothSecretsVerifyAndAfterwardsOnlyTheNewOne() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        WebhookSecret old = WebhookSecret.generate(RANDOM, now.minus(Duration.ofDays(30)));
        WebhookSecret next = WebhookSecret.generate(RANDOM, now.minus(Duration.ofMinutes(10)));
        Instant overlapEnds = now.plus(Duration.ofMinutes(1));
        WebhookEndpoint rotated = endpoint(old).rotate(next, overlapEnds, now.minus(Duration.ofMinutes(10)));

        WebhookHeaders during = signer.sign(rotated, "evt-1", now, BODY);
        assertThat(during.signatures()).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        verify(old.value(), BODY, during);
        verify(next.value(), BODY, during);

        // two minutes later (still within the library's five-minute window) the old secret has ended
        WebhookHeaders after = signer.sign(rotated, "evt-1", now.plus(Duration.ofMinutes(2)), BODY);
        assertThat(after.signatures()).hasSize(1);
        verify(next.value(), BODY, after);
        assertThatThrownBy(() -> verify(old.value(), BODY, after)).isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void rotationEndsEveryOlderSecretAndDropsTheExpired() {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        WebhookSecret a = WebhookSecret.generate(RANDOM, t);
        WebhookSecret b = WebhookSecret.generate(RANDOM, t.plusSeconds(100));
        WebhookEndpoint once = endpoint(a).rotate(b, t.plusSeconds(200), t.plusSeconds(100));
        assertThat(once.secrets()).hasSize(2);
        assertThat(once.secrets().get(0).validUntil()).isEqualTo(t.plusSeconds(200));
        assertThat(once.secrets().get(1).openEnded()).isTrue();

        WebhookSecret c = WebhookSecret.generate(RANDOM, t.plusSeconds(300));
        WebhookEndpoint twice = once.rotate(c, t.plusSeconds(400), t.plusSeconds(300));
        assertThat(twice.secrets()).extracting(WebhookSecret::value).containsExactly(b.value(), c.value());
        assertThat(twice.signingSecrets(t.plusSeconds(350))).containsExactly(c, b.endingAt(t.plusSeconds(400)));
        assertThat(twice.signingSecrets(t.plusSeconds(400))).containsExactly(c);

        assertThatThrownBy(() -> endpoint(a).rotate(WebhookSecret.generate(RANDOM, t.plusSeconds(500)),
                t.plusSeconds(400), t)).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).code()).isEqualTo(WebhookError.SECRET_VALIDITY);
    }

    @Test
    void refusesWhenNoSecretIsValidAtTheAttempt() {
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        WebhookSecret ended = new WebhookSecret(WebhookSecret.generate(RANDOM, t).value(), t, t.plusSeconds(10));
        assertThatThrownBy(() -> signer.sign(endpoint(ended), "evt-1", t.plusSeconds(10), BODY))
                .isInstanceOf(WebhookException.class).extracting(e -> ((WebhookException) e).code())
                .isEqualTo(WebhookError.NO_VALID_SECRET);
    }

    @Test
    void refusesABodyThatIsNotUtf8() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.EPOCH);
        assertThatThrownBy(() -> signer.sign(endpoint(secret), "evt-1", Instant.now(), new byte[] {'{', (byte) 0xC3, '}'}))
                .isInstanceOf(WebhookException.class).extracting(e -> ((WebhookException) e).code())
                .isEqualTo(WebhookError.BODY_NOT_UTF8);
    }

    @Test
    void refusesMalformedSecretsWithTheirCode() {
        for (String bad : List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ=", "whsec_")) {
            assertThatThrownBy(() -> new WebhookSecret(bad, Instant.EPOCH, WebhookSecret.FOREVER))
                    .as(bad).isInstanceOf(WebhookException.class).extracting(e -> ((WebhookException) e).code())
                    .isEqualTo(WebhookError.SECRET_MALFORMED);
        }
        WebhookSecret s = WebhookSecret.generate(RANDOM, Instant.EPOCH);
        assertThat(s.toString()).doesNotContain(s.value().substring(6, 20));
    }
}
