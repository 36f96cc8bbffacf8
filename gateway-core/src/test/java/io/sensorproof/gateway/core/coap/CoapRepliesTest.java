package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.ReasonCode;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;

/** The response code of every rejection code, and the shape of unsigned and back-pressure replies. */
class CoapRepliesTest {
    @Test
    void everyReasonCodeHasADeliberateResponseCode() {
        for (ReasonCode code : ReasonCode.all()) {
            ResponseCode response = code.signedRejection() ? CoapReplies.signedRejectionCode(code) : CoapReplies.refusalCode(code);
            String expected = switch (code.name()) {
                case "OVERSIZED" -> "4.13";
                case "INTERNAL_ERROR" -> "5.00";
                case "QUOTA_EXCEEDED" -> "4.29";
                case "CONFLICTING_DUPLICATE", "DUPLICATE_READING_TIME", "REGISTER_DECREASED" -> "4.09";
                case "UNKNOWN_KEY", "ALG_MISMATCH", "BAD_SIGNATURE", "TOPIC_MISMATCH", "PEER_MISMATCH", "BN_MISMATCH", "DEVICE_INACTIVE",
                        "REVOKED_KEY", "HYBRID_REQUIRED" -> "4.03";
                default -> "4.00";
            };
            assertThat(response.codeClass + "." + String.format("%02d", response.codeDetail)).as(code.name()).isEqualTo(expected);
        }
    }

    @Test
    void unauthenticatedRefusalCarriesOnlyTheCodeAndSummary() {
        ReasonCode bad = ReasonCode.byName("BAD_SIGNATURE").orElseThrow();
        CoapReply reply = CoapReplies.of(new Outcome.Rejected(bad, "kid 00ff belongs to tenant x", false, true, Optional.empty(),
                io.sensorproof.gateway.core.MessageClaim.UNKNOWN),
                Duration.ofSeconds(5));
        assertThat(reply.code()).isEqualTo(ResponseCode.FORBIDDEN);
        assertThat(reply.contentFormat()).isEqualTo(-1);
        assertThat(new String(reply.payload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("BAD_SIGNATURE: " + bad.summary())
                .doesNotContain("tenant x");
    }

    @Test
    void deferredOutcomeIsServiceUnavailableWithMaxAge() {
        CoapReply reply = CoapReplies.of(new Outcome.Deferred("store down"), Duration.ofSeconds(12));
        assertThat(reply.code()).isEqualTo(ResponseCode.SERVICE_UNAVAILABLE);
        assertThat(reply.maxAge()).hasValue(12);
        assertThat(reply.reason()).isEqualTo("DEFERRED");
    }
}
