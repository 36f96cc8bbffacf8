package io.sensorproof.gateway.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.enroll.DeviceCrls.Reason;
import io.sensorproof.gateway.enroll.DeviceCrls.Revoked;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

class DeviceCrlsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final CaEntry CA = CaKeyStore.generate(NOW, Duration.ofDays(365), RANDOM);

    @Test
    void listsTheRevokedSerialsWithTheirDateAndReasonAndNumber() throws Exception {
        X509Certificate a = issue("dev-a");
        X509Certificate b = issue("dev-b");
        X509Certificate kept = issue("dev-c");
        Instant revokedA = NOW.minusSeconds(120);
        Instant revokedB = NOW.minusSeconds(60);
        X509CRL crl = reparse(DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.valueOf(42), NOW, NOW.plus(Duration.ofDays(7)),
                List.of(new Revoked(b.getSerialNumber(), revokedB, Reason.PRIVILEGE_WITHDRAWN),
                        new Revoked(a.getSerialNumber(), revokedA, Reason.KEY_COMPROMISE))));

        assertThat(crl.getVersion()).isEqualTo(2);
        assertThat(crl.getIssuerX500Principal()).isEqualTo(CA.certificate().getSubjectX500Principal());
        assertThat(crl.getThisUpdate()).isEqualTo(Date.from(NOW));
        assertThat(crl.getNextUpdate()).isEqualTo(Date.from(NOW.plus(Duration.ofDays(7))));
        assertThat(DeviceCrls.crlNumber(crl)).contains(BigInteger.valueOf(42));
        assertThat(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId())).as("authority key identifier").isNotNull();
        assertThat(crl.getRevokedCertificates()).extracting(X509CRLEntry::getSerialNumber)
                .containsExactlyInAnyOrder(a.getSerialNumber(), b.getSerialNumber());
        assertThat(crl.isRevoked(a)).isTrue();
        assertThat(crl.isRevoked(b)).isTrue();
        assertThat(crl.isRevoked(kept)).isFalse();
        assertThat(crl.getRevokedCertificate(a).getRevocationDate()).isEqualTo(Date.from(revokedA));
        assertThat(reason(crl.getRevokedCertificate(a))).isEqualTo(CRLReason.keyCompromise);
        assertThat(reason(crl.getRevokedCertificate(b))).isEqualTo(CRLReason.privilegeWithdrawn);
        assertThat(crl.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");
        crl.verify(CA.certificate().getPublicKey());
    }

    @Test
    void anEmptyListIsStillASignedListOfItsCa() throws Exception {
        X509CRL crl = reparse(DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.ONE, NOW, NOW.plusSeconds(60), List.of()));
        assertThat(crl.getRevokedCertificates()).isNull();
        assertThat(DeviceCrls.crlNumber(crl)).contains(BigInteger.ONE);
        crl.verify(CA.certificate().getPublicKey());
    }

    @Test
    void aFlippedByteBreaksTheSignature() throws Exception {
        byte[] der = DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.TEN, NOW, NOW.plusSeconds(60),
                List.of(new Revoked(issue("dev-a").getSerialNumber(), NOW, Reason.PRIVILEGE_WITHDRAWN))).getEncoded();
        // the last byte belongs to the signature's s value; a byte inside the signed part changes what was signed
        for (int index : new int[] {der.length - 1, 40}) {
            byte[] tampered = der.clone();
            tampered[index] ^= 0x01;
            assertThatThrownBy(() -> parse(tampered).verify(CA.certificate().getPublicKey())).as("byte %d flipped", index)
                    .isInstanceOf(SignatureException.class);
        }
    }

    @Test
    void doesNotVerifyWithAnotherCa() throws Exception {
        CaEntry other = CaKeyStore.generate(NOW, Duration.ofDays(365), RANDOM);
        X509CRL crl = DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.ONE, NOW, NOW.plusSeconds(60), List.of());
        assertThatThrownBy(() -> crl.verify(other.certificate().getPublicKey())).isInstanceOf(SignatureException.class);
    }

    @Test
    void refusesToSignWithAKeyThatIsNotTheIssuers() {
        CaEntry other = CaKeyStore.generate(NOW, Duration.ofDays(365), RANDOM);
        assertThatThrownBy(() -> DeviceCrls.build(CA.certificate(), other.key(), BigInteger.ONE, NOW, NOW.plusSeconds(60), List.of()))
                .isInstanceOfSatisfying(CrlException.class, e -> assertThat(e.code()).isEqualTo(CrlException.Code.CRL_KEY_MISMATCH));
    }

    @Test
    void refusesAnIssuerThatIsNotACrlSigningCa() {
        X509Certificate device = issue("dev-a");
        assertThatThrownBy(() -> DeviceCrls.build(device, CA.key(), BigInteger.ONE, NOW, NOW.plusSeconds(60), List.of()))
                .isInstanceOfSatisfying(CrlException.class,
                        e -> assertThat(e.code()).isEqualTo(CrlException.Code.CRL_ISSUER_NOT_A_CRL_SIGNER));
    }

    @Test
    void refusesUnusableParameters() {
        assertThatThrownBy(() -> DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.ONE, NOW, NOW, List.of()))
                .isInstanceOfSatisfying(CrlException.class, e -> assertThat(e.code()).isEqualTo(CrlException.Code.CRL_INVALID_PARAMETERS));
        assertThatThrownBy(() -> DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.valueOf(-1), NOW, NOW.plusSeconds(1), List.of()))
                .isInstanceOfSatisfying(CrlException.class, e -> assertThat(e.code()).isEqualTo(CrlException.Code.CRL_INVALID_PARAMETERS));
        assertThatThrownBy(() -> DeviceCrls.build(CA.certificate(), CA.key(), BigInteger.ONE, NOW, NOW.plusSeconds(1),
                List.of(new Revoked(BigInteger.ZERO, NOW, Reason.PRIVILEGE_WITHDRAWN))))
                .isInstanceOfSatisfying(CrlException.class, e -> assertThat(e.code()).isEqualTo(CrlException.Code.CRL_INVALID_SERIAL));
    }

    private static X509Certificate issue(String device) {
        return DeviceCertificates.issue(CA, Keys.generate(SignatureAlgorithm.ES256, RANDOM).verificationKey(), "acme", device, NOW,
                Duration.ofDays(1), CA.certificate().getNotAfter().toInstant(), RANDOM);
    }

    private static int reason(X509CRLEntry entry) {
        byte[] value = entry.getExtensionValue(Extension.reasonCode.getId());
        return ASN1Enumerated.getInstance(ASN1OctetString.getInstance(value).getOctets()).intValueExact();
    }

    /** Through the JDK's own parser: what a relying party that is not BouncyCastle reads. */
    private static X509CRL reparse(X509CRL crl) throws Exception {
        return parse(crl.getEncoded());
    }

    private static X509CRL parse(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }
}
