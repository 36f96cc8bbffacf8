package io.sensorproof.gateway.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy.OwnAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link WebhookUrlPolicy}: each refusal with its stable code, and what stays allowed. */
class WebhookUrlPolicyTest {
    private final WebhookUrlPolicy policy = new WebhookUrlPolicy(
            List.of(new OwnAddress("gateway.internal", 8080), new OwnAddress("0.0.0.0", 9000), new OwnAddress("gw", 443)));

    @ParameterizedTest
    @CsvSource({
        "ftp://bank.example/hook, URL_SCHEME",
        "file:///etc/passwd, URL_SCHEME",
        "javascript:alert(1), URL_SCHEME",
        "bank.example/hook, URL_SCHEME",
        "https://user:pw@bank.example/hook, URL_MALFORMED",
        "https://bank.example/hook#frag, URL_MALFORMED",
        "https://bank example/hook, URL_MALFORMED",
        "https:///hook, URL_MALFORMED",
        "http://127.0.0.1:8080/api, URL_SELF",
        "http://localhost:8080/q/health, URL_SELF",
        "http://LOCALHOST:9000/q/metrics, URL_SELF",
        "http://api.localhost:8080/, URL_SELF",
        "http://127.0.0.2:9000/, URL_SELF",
        "http://127.1:8080/, URL_MALFORMED",
        "http://2130706433:8080/, URL_SELF",
        "http://0.0.0.0:8080/, URL_SELF",
        "http://[::1]:8080/, URL_SELF",
        "http://[::]:9000/, URL_SELF",
        "http://[::ffff:127.0.0.1]:8080/, URL_SELF",
        "http://Gateway.Internal:8080/api, URL_SELF",
        "https://gw/hook, URL_SELF",
        "https://127.0.0.1/hook, URL_SELF",
        "http://localhost.:8080/, URL_SELF",
        "http://gateway.internal.:8080/, URL_SELF",
        "http://[fe80::1%25eth0]:8080/, URL_MALFORMED",
        "http://169.254.169.254/latest/meta-data/, URL_LINK_LOCAL",
        "http://[fe80::1]:8443/, URL_LINK_LOCAL",
    })
    void refusesWithItsCode(String url, WebhookError code) {
        assertThatThrownBy(() -> policy.check(url)).as(url).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).code()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://bank.example/hooks/sensorproof",
        "http://127.0.0.1:39211/receiver",
        "http://localhost:8081/hook",
        "http://10.1.2.3:8080/hook",
        "https://192.168.1.20/hook?tenant=bank-a",
        "http://gateway.internal:8081/elsewhere",
        "HTTPS://BANK.EXAMPLE/x",
    })
    void allowsOtherHostsAndPorts(String url) {
        assertThat(policy.check(url).toString()).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(ints = {WebhookUrlPolicy.MAX_LENGTH + 1})
    void refusesOverlongUrls(int length) {
        String url = "https://bank.example/" + "a".repeat(length - "https://bank.example/".length());
        assertThatThrownBy(() -> policy.check(url)).isInstanceOf(WebhookException.class)
                .extracting(e -> ((WebhookException) e).code()).isEqualTo(WebhookError.URL_MALFORMED);
    }
}
