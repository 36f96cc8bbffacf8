package io.sensorproof.protocol.ack;

import io.sensorproof.protocol.message.MessageHeader;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A final refusal of one message: the agent keeps it aside with the code and never resends it.
 *
 * @param seq the refused message's sequence number
 * @param code a stable reason code, upper case (an {@link io.sensorproof.protocol.ErrorCode} name or
 *     a gateway code such as {@code CONFLICTING_DUPLICATE}); agents keep unknown codes as text
 * @param message a human-readable explanation, at most 256 characters
 */
public record Rejection(long seq, String code, String message) {
    /** Grammar of reason codes. */
    public static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,47}");
    /** Longest message in characters. */
    public static final int MAX_MESSAGE = 256;

    public Rejection {
        if (seq < 0 || seq > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("seq must be in [0, 2^32)");
        }
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("reason code must match " + CODE.pattern());
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE);
        }
    }
}
