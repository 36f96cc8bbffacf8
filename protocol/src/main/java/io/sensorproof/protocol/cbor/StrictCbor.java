package io.sensorproof.protocol.cbor;

import com.authlete.cbor.CBORDecoder;
import com.authlete.cbor.CBORDecoderOptions;
import com.authlete.cbor.CBORItem;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.io.IOException;

/**
 * Decodes one CBOR data item under the protocol's profile: definite lengths only, bounded size,
 * depth and item count, and no trailing bytes.
 *
 * <p>The data model comes from the authlete CBOR library. Before the library sees the bytes, a
 * single linear pass over the item heads (the well-formedness check of RFC 8949 Appendix C)
 * enforces the limits: the library recurses without a depth limit and allocates a string's
 * declared length before reading it, so unchecked input could exhaust the stack or the heap.
 */
public final class StrictCbor {
    private static final CBORDecoderOptions NO_TAG_PROCESSING = new CBORDecoderOptions();

    private StrictCbor() {
    }

    /**
     * Decodes exactly one data item that spans all of {@code bytes}.
     *
     * @throws ProtocolException with {@code OVERSIZED}, {@code MALFORMED_CBOR},
     *     {@code NESTING_TOO_DEEP} or {@code TRAILING_BYTES}
     */
    public static CBORItem decode(byte[] bytes, CborLimits limits) {
        check(bytes, limits);
        try {
            CBORItem item = new CBORDecoder(bytes, NO_TAG_PROCESSING).next();
            if (item == null) {
                throw new ProtocolException(ErrorCode.MALFORMED_CBOR, "empty input");
            }
            return item;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.MALFORMED_CBOR, "CBOR decoder refused the input: " + e.getMessage(), e);
        }
    }

    /**
     * Checks well-formedness and limits without building a data model.
     *
     * @return the number of data items in the encoding
     */
    public static int check(byte[] bytes, CborLimits limits) {
        if (bytes == null || bytes.length == 0) {
            throw new ProtocolException(ErrorCode.MALFORMED_CBOR, "empty input");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ProtocolException(ErrorCode.OVERSIZED,
                    "encoded size " + bytes.length + " bytes exceeds the limit of " + limits.maxBytes());
        }
        Walker walker = new Walker(bytes, limits);
        int end = walker.item(0, 1);
        if (end != bytes.length) {
            throw new ProtocolException(ErrorCode.TRAILING_BYTES,
                    (bytes.length - end) + " bytes follow the CBOR item that ends at offset " + end);
        }
        return walker.items;
    }

    /** One pass over item heads; recursion depth is bounded by {@code maxDepth}. */
    private static final class Walker {
        private final byte[] b;
        private final CborLimits limits;
        private int items;

        Walker(byte[] b, CborLimits limits) {
            this.b = b;
            this.limits = limits;
        }

        int item(int off, int depth) {
            if (depth > limits.maxDepth()) {
                throw new ProtocolException(ErrorCode.NESTING_TOO_DEEP,
                        "nesting deeper than " + limits.maxDepth() + " at offset " + off);
            }
            if (++items > limits.maxItems()) {
                throw new ProtocolException(ErrorCode.MALFORMED_CBOR,
                        "more than " + limits.maxItems() + " data items");
            }
            if (off >= b.length) {
                throw truncated(off);
            }
            int initial = b[off] & 0xff;
            int major = initial >>> 5;
            int info = initial & 0x1f;
            int pos = off + 1;
            long arg;
            if (info < 24) {
                arg = info;
            } else if (info <= 27) {
                int n = 1 << (info - 24);
                if (pos + n > b.length) {
                    throw truncated(off);
                }
                arg = 0;
                for (int i = 0; i < n; i++) {
                    arg = (arg << 8) | (b[pos + i] & 0xff);
                }
                pos += n;
            } else if (info == 31) {
                throw new ProtocolException(ErrorCode.MALFORMED_CBOR, major == 7
                        ? "unexpected break at offset " + off
                        : "indefinite-length item at offset " + off + " (the profile allows definite lengths only)");
            } else {
                throw new ProtocolException(ErrorCode.MALFORMED_CBOR,
                        "reserved additional information " + info + " at offset " + off);
            }
            int remaining = b.length - pos;
            switch (major) {
                case 0, 1 -> {
                    return pos;
                }
                case 2, 3 -> {
                    if (Long.compareUnsigned(arg, remaining) > 0) {
                        throw new ProtocolException(ErrorCode.MALFORMED_CBOR, "string at offset " + off
                                + " declares " + Long.toUnsignedString(arg) + " bytes but " + remaining + " remain");
                    }
                    return pos + (int) arg;
                }
                case 4, 5 -> {
                    long children = major == 4 ? arg : arg * 2;
                    if (Long.compareUnsigned(arg, remaining) > 0 || children > remaining) {
                        throw new ProtocolException(ErrorCode.MALFORMED_CBOR, (major == 4 ? "array" : "map")
                                + " at offset " + off + " declares " + Long.toUnsignedString(arg)
                                + " entries but only " + remaining + " bytes remain");
                    }
                    for (long i = 0; i < children; i++) {
                        pos = item(pos, depth + 1);
                    }
                    return pos;
                }
                case 6 -> {
                    return item(pos, depth + 1);
                }
                default -> {
                    if (info == 24 && arg < 32) {
                        throw new ProtocolException(ErrorCode.MALFORMED_CBOR,
                                "simple value " + arg + " at offset " + off + " uses the two-byte form");
                    }
                    return pos;
                }
            }
        }

        private ProtocolException truncated(int off) {
            return new ProtocolException(ErrorCode.MALFORMED_CBOR, "input ends inside the item at offset " + off);
        }
    }
}
