package io.sensorproof.gateway.core.coap;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;

/**
 * A CoAP response decided by the adapter, before it is put on the wire.
 *
 * @param code response code
 * @param contentFormat Content-Format of the payload, or -1 for a diagnostic payload (UTF-8 text,
 *     no Content-Format, RFC 7252 §5.5.2) or none
 * @param payload body (a signed acknowledgement or rejection, or a diagnostic)
 * @param maxAge Max-Age in seconds (5.03: when to try again)
 * @param reason the stable code behind the response, for logs, metrics and tests ({@code STORED},
 *     {@code DUPLICATE}, a rejection code, {@code OVERLOADED}, {@code DEFERRED}, ...)
 */
public record CoapReply(ResponseCode code, int contentFormat, byte[] payload, OptionalLong maxAge, String reason) {
    /** Content-Format 18: {@code application/cose; cose-type="cose-sign1"} (RFC 9052). */
    public static final int COSE_SIGN1 = 18;

    public CoapReply {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(reason, "reason");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapReply r && code == r.code && contentFormat == r.contentFormat && Arrays.equals(payload, r.payload)
                && maxAge.equals(r.maxAge) && reason.equals(r.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, contentFormat, Arrays.hashCode(payload), maxAge, reason);
    }

    @Override
    public String toString() {
        return "CoapReply[" + code + " " + reason + ", " + payload.length + " bytes" + (maxAge.isPresent() ? ", max-age " + maxAge.getAsLong() : "")
                + "]";
    }
}
