package io.sensorproof.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

class BodyIdentifiersTest {
    @Test
    void aMissingIdentifierIsAnInvalidRequestNamingTheField() {
        assertThatThrownBy(() -> BodyIdentifiers.require(null, "siteId", "site id", "{siteId, name}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("INVALID_REQUEST");
                    assertThat(e.details()).containsEntry("field", "siteId");
                    assertThat(e.getMessage()).isEqualTo("siteId is required (the site id); the body is {siteId, name}");
                });
    }

    @Test
    void aMalformedIdentifierStaysInvalidIdentifier() {
        assertThatThrownBy(() -> BodyIdentifiers.require("Site_1", "siteId", "site id", "{siteId, name}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER));
        assertThatThrownBy(() -> BodyIdentifiers.require("", "siteId", "site id", "{siteId, name}"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER));
    }

    @Test
    void aValidIdentifierIsReturned() {
        assertThat(BodyIdentifiers.require("cold-room-7", "siteId", "site id", "{siteId, name}")).isEqualTo("cold-room-7");
    }
}
