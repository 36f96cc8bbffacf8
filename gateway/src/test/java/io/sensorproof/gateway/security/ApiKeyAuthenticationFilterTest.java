package io.sensorproof.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeyAuthenticationFilterTest {

    @Test
    void protectsEveryPathUnderApiHoweverItIsSpelled() {
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1/tenants")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("api/v1/tenants")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("//api//v1/tenants")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v2/anything")).isTrue();
    }

    @Test
    void leavesOtherPathsAlone() {
        assertThat(ApiKeyAuthenticationFilter.isProtected("/")).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isProtected(null)).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/q/health/ready")).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/apiary")).isFalse();
    }

    @Test
    void onlyTheEnrollmentExchangeItselfIsOpen() {
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1/enroll")).isFalse();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1/enroll/x")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1/enrollments")).isTrue();
        assertThat(ApiKeyAuthenticationFilter.isProtected("/api/v1/tenants/t/devices/d/enrollment-tokens")).isTrue();
    }
}
