package io.sensorproof.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeySecretsTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedKeyHasPrefixAnd256RandomBits() {
        String key = ApiKeySecrets.generate(random);
        assertThat(key).startsWith("spk_").hasSize(4 + 43);
        assertThat(Base64.getUrlDecoder().decode(key.substring(4))).hasSize(32);
        assertThat(ApiKeySecrets.isWellFormed(key)).isTrue();
    }

    @Test
    void generatedKeysDiffer() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(ApiKeySecrets.generate(random));
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void hashIsSha256OfTheKeyText() throws Exception {
        String key = ApiKeySecrets.generate(random);
        assertThat(ApiKeySecrets.hash(key))
                .hasSize(32)
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(key.getBytes("UTF-8")));
    }

    @Test
    void rejectsMalformedKeysBeforeAnyLookup() {
        String key = ApiKeySecrets.generate(random);
        assertThat(ApiKeySecrets.isWellFormed(null)).isFalse();
        assertThat(ApiKeySecrets.isWellFormed("")).isFalse();
        assertThat(ApiKeySecrets.isWellFormed(key.substring(4))).isFalse();
        assertThat(ApiKeySecrets.isWellFormed(key + "A")).isFalse();
        assertThat(ApiKeySecrets.isWellFormed(key.substring(0, key.length() - 1) + "=")).isFalse();
        assertThat(ApiKeySecrets.isWellFormed("SPK_" + key.substring(4))).isFalse();
    }
}
