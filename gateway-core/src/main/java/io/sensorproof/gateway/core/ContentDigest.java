package io.sensorproof.gateway.core;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * SHA-256 of a message's COSE Sig_structure ({@code ReadingMessage.contentDigest()}): what the
 * device signed, independent of the signature bytes. Two copies with the same key and digest are
 * one message; the same key with another digest is a conflicting duplicate.
 */
public final class ContentDigest {
    /** Length of a digest in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private ContentDigest(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a 32-byte digest (copied). */
    public static ContentDigest of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a content digest has " + LENGTH + " bytes");
        }
        return new ContentDigest(bytes.clone());
    }

    /** Parses lowercase or uppercase hex. */
    public static ContentDigest ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lowercase hex. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContentDigest d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
