package io.sensorproof.gateway.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.EnrollmentResponse;
import io.sensorproof.protocol.enroll.EnrollmentToken;
import io.sensorproof.protocol.enroll.Pem;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeviceCertificatesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CaEntry CA = CaKeyStore.generate(Instant.now(), Duration.ofDays(3650), RANDOM);

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void issuesTheSharedProfileForEveryDeviceKeyTypeAndTheAgentAcceptsIt(SignatureAlgorithm alg) throws Exception {
        SigningKey device = Keys.generate(alg, RANDOM);
        Instant now = Instant.now();
        X509Certificate cert = DeviceCertificates.issue(CA, device.verificationKey(), "acme", "cold-room-7", now, Duration.ofDays(90),
                now.plus(Duration.ofDays(3650)), RANDOM);

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=cold-room-7,O=acme");
        assertThat(cert.getSubjectAlternativeNames()).singleElement()
                .satisfies(san -> {
                    assertThat(san.get(0)).isEqualTo(6);
                    assertThat(san.get(1)).isEqualTo("urn:sensorproof:device:acme:cold-room-7");
                });
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getKeyUsage()).startsWith(true, false, false, false, false, false);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getSerialNumber().signum()).isPositive();
        assertThat(cert.getSerialNumber().bitLength()).isEqualTo(128);
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                .isEqualTo(Duration.ofDays(90).plusMinutes(5));
        assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
        cert.verify(CA.certificate().getPublicKey(), new BouncyCastleProvider());

        EnrollmentToken token = EnrollmentToken.generate(CA.certificate().getEncoded(), RANDOM);
        EnrollmentResponse response = new EnrollmentResponse("acme", "cold-room-7",
                List.of(Pem.encode("CERTIFICATE", cert.getEncoded()), Pem.encode("CERTIFICATE", CA.certificate().getEncoded())),
                EnrollmentResponse.AckKey.of(Keys.generate(SignatureAlgorithm.ES256, RANDOM).verificationKey()));
        assertThat(response.verify(token, device.verificationKey())).isNotNull();
        assertThat(CertificateRequests.parseAndVerify(CertificateRequests.create(device, "x"))).isEqualTo(device.verificationKey());
    }

    @Test
    void validityIsCappedAtTheCasTrustEndAndAnExhaustedCaIssuesNothing() {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        Instant now = Instant.now();
        Instant cap = now.plus(Duration.ofDays(10));
        X509Certificate cert = DeviceCertificates.issue(CA, device.verificationKey(), "acme", "d1", now, Duration.ofDays(90), cap, RANDOM);
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(cap.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThatThrownBy(() -> DeviceCertificates.issue(CA, device.verificationKey(), "acme", "d1", now, Duration.ofDays(90),
                now.minusSeconds(1), RANDOM)).isInstanceOf(IllegalStateException.class);
    }
}
