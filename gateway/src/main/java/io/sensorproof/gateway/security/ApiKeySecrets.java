package io.sensorproof.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * API key secrets: {@value #PREFIX} followed by 32 random bytes in base64url (256 bits of
 * entropy), and their SHA-256 hash, the only form that is stored. A hash lookup replaces a string
 * comparison of secrets, so no comparison time depends on a stored secret; a fast hash is enough
 * because the secrets are random, not passwords.
 */
public final class ApiKeySecrets {
    /** Prefix of every key, so leaked keys are easy to recognise (secret scanners, logs). */
    public static final String PREFIX = "spk_";
    /** Random bytes per key. */
    public static final int SECRET_BYTES = 32;
    private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");

    private ApiKeySecrets() {
    }

    /** A new key from {@code random}. */
    public static String generate(SecureRandom random) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** True when {@code presented} has the form of a key; anything else cannot match a stored hash. */
    public static boolean isWellFormed(String presented) {
        return presented != null && FORMAT.matcher(presented).matches();
    }

    /** SHA-256 of the key's UTF-8 bytes, as stored in {@code api_keys.key_hash}. */
    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
