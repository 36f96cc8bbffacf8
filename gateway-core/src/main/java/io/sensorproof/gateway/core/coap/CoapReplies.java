package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.GatewayReason;
import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.ReasonCode;
import io.sensorproof.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * How pipeline outcomes become CoAP responses (the table in docs/protocol.md §1):
 * <ul>
 *   <li>stored or duplicate: 2.04 Changed with the signed acknowledgement (Content-Format 18);</li>
 *   <li>authenticated rejection: the signed rejection (Content-Format 18) with 4.09 Conflict for
 *       the codes that conflict with what is stored ({@code CONFLICTING_DUPLICATE},
 *       {@code DUPLICATE_READING_TIME}, {@code REGISTER_DECREASED}), 4.00 Bad Request for the
 *       message's own faults ({@code INVALID_VALUE}, {@code FUTURE_TIMESTAMP});</li>
 *   <li>unauthenticated refusal: an unsigned diagnostic naming only the code, with 4.13 for
 *       {@code OVERSIZED}, 4.03 Forbidden for identity and signature codes, 4.00 for malformed
 *       content, 5.00 for {@code INTERNAL_ERROR}; the agent keeps its message (nothing it could
 *       trust told it otherwise);</li>
 *   <li>deferred (a port failed) or queue full: 5.03 Service Unavailable with Max-Age.</li>
 * </ul>
 */
public final class CoapReplies {
    private CoapReplies() {
    }

    /** The response for a pipeline outcome. */
    public static CoapReply of(Outcome outcome, Duration retryAfter) {
        if (outcome instanceof Outcome.Stored st) {
            return signed(ResponseCode.CHANGED, st.reply().orElseThrow().payload(), "STORED");
        }
        if (outcome instanceof Outcome.Duplicate d) {
            return signed(ResponseCode.CHANGED, d.reply().orElseThrow().payload(), "DUPLICATE");
        }
        if (outcome instanceof Outcome.Rejected r) {
            if (r.signedRejection().isPresent()) {
                return signed(signedRejectionCode(r.reason()), r.signedRejection().get().payload(), r.reason().name());
            }
            return diagnostic(refusalCode(r.reason()), r.reason().name(), r.reason().summary());
        }
        return unavailable("DEFERRED", "the gateway could not decide now; try again", retryAfter);
    }

    /** The code of a signed rejection. */
    public static ResponseCode signedRejectionCode(ReasonCode reason) {
        String name = reason.name();
        return name.equals(GatewayReason.CONFLICTING_DUPLICATE.name()) || name.equals(ErrorCode.DUPLICATE_READING_TIME.name())
                || name.equals(ErrorCode.REGISTER_DECREASED.name()) ? ResponseCode.CONFLICT : ResponseCode.BAD_REQUEST;
    }

    /** The code of an unauthenticated refusal (answered with a diagnostic only). */
    public static ResponseCode refusalCode(ReasonCode reason) {
        String name = reason.name();
        if (name.equals(ErrorCode.OVERSIZED.name())) {
            return ResponseCode.REQUEST_ENTITY_TOO_LARGE;
        }
        if (name.equals(GatewayReason.INTERNAL_ERROR.name())) {
            return ResponseCode.INTERNAL_SERVER_ERROR;
        }
        if (name.equals(GatewayReason.QUOTA_EXCEEDED.name())) {
            return ResponseCode.TOO_MANY_REQUESTS;
        }
        return switch (name) {
            case "UNKNOWN_KEY", "ALG_MISMATCH", "BAD_SIGNATURE", "TOPIC_MISMATCH", "PEER_MISMATCH", "BN_MISMATCH", "DEVICE_INACTIVE",
                    "REVOKED_KEY", "HYBRID_REQUIRED" ->
                    ResponseCode.FORBIDDEN;
            default -> ResponseCode.BAD_REQUEST;
        };
    }

    /** 2.04 or 4.xx carrying a COSE_Sign1 signed by the gateway. */
    static CoapReply signed(ResponseCode code, byte[] cose, String reason) {
        return new CoapReply(code, CoapReply.COSE_SIGN1, cose, OptionalLong.empty(), reason);
    }

    /** An unsigned diagnostic: {@code CODE: text}. */
    public static CoapReply diagnostic(ResponseCode code, String reason, String text) {
        return new CoapReply(code, -1, (reason + ": " + text).getBytes(StandardCharsets.UTF_8), OptionalLong.empty(), reason);
    }

    /** 5.03 Service Unavailable with Max-Age. */
    public static CoapReply unavailable(String reason, String text, Duration retryAfter) {
        return new CoapReply(ResponseCode.SERVICE_UNAVAILABLE, -1, (reason + ": " + text).getBytes(StandardCharsets.UTF_8),
                OptionalLong.of(retryAfter.toSeconds()), reason);
    }
}
