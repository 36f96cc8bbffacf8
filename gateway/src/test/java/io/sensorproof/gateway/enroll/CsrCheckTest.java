package io.sensorproof.gateway.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.Pem;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CsrCheckTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void acceptsAValidCsrAndReadsItsSubject() {
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        CsrCheck check = CsrCheck.verify(CertificateRequests.create(key, "cold-room-7"));
        assertThat(check.key()).isEqualTo(key.verificationKey());
        assertThat(check.commonName()).contains("cold-room-7");
        assertThat(check.organization()).isEmpty();
        check.requireSubjectMatches("acme", "cold-room-7");
        CsrCheck.verify(CertificateRequests.create(key, "")).requireSubjectMatches("acme", "anything");
    }

    @Test
    void eachDefectHasItsOwnCode() throws Exception {
        SigningKey key = Keys.generate(SignatureAlgorithm.EDDSA, RANDOM);
        assertRefused(() -> CsrCheck.verify("not pem"), EnrollmentRefusal.MALFORMED_CSR);
        assertRefused(() -> CsrCheck.verify(Pem.encode("CERTIFICATE REQUEST", new byte[] {0x30, 0x03, 1, 2, 3})), EnrollmentRefusal.MALFORMED_CSR);
        byte[] der = Pem.decode("CERTIFICATE REQUEST", CertificateRequests.create(key, "d"));
        der[der.length - 1] ^= 0x01;
        assertRefused(() -> CsrCheck.verify(Pem.encode("CERTIFICATE REQUEST", der)), EnrollmentRefusal.BAD_PROOF_OF_POSSESSION);
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
        var pair = p384.generateKeyPair();
        String csr384 = Pem.encode("CERTIFICATE REQUEST", new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=d"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(pair.getPrivate())).getEncoded());
        assertRefused(() -> CsrCheck.verify(csr384), EnrollmentRefusal.UNSUPPORTED_KEY);
        CsrCheck forged = CsrCheck.verify(CertificateRequests.create(key, "someone-else"));
        assertRefused(() -> forged.requireSubjectMatches("acme", "cold-room-7"), EnrollmentRefusal.CSR_SUBJECT_MISMATCH);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, EnrollmentRefusal refusal) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EnrollmentException.class, e -> {
            assertThat(e.refusal()).isEqualTo(refusal);
            assertThat(e.code()).isEqualTo(refusal.name());
            assertThat(e.status()).isEqualTo(refusal.status());
        });
    }
}
