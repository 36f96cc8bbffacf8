package io.sensorproof.gateway.enroll;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.enroll.Pem;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

/**
 * The device CA's revocation list through the gateway's own code path (ADR 039): two devices
 * enrolled, one set to REVOKED through the registry API (the V5 trigger revokes its certificate),
 * and the public CRL endpoints list exactly that certificate, signed by the CA the public
 * certificate endpoint serves, with a higher CRL number; an unchanged list is served again, not
 * reissued.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class DeviceCrlIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TENANT = "crl-acme";

    @Inject
    AgroalDataSource db;

    @Test
    void revokingADeviceListsItsCertificateOnTheSignedCrl() throws Exception {
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", TENANT, "name", TENANT)).post("/api/v1/tenants");
        X509Certificate revoked = enroll("crl-dev-a");
        X509Certificate kept = enroll("crl-dev-b");

        List<X509Certificate> cas = certificates(publicGet(DeviceCaResource.CERTIFICATES_PEM_PATH, DeviceCaResource.PEM_FILE).asString());
        X509Certificate ca = cas.get(0);
        revoked.verify(ca.getPublicKey());
        X509CRL before = crl(publicGet(DeviceCaResource.CRL_PATH, DeviceCaResource.PKIX_CRL).asByteArray());
        before.verify(ca.getPublicKey());
        assertThat(before.isRevoked(revoked)).isFalse();
        assertThat(before.isRevoked(kept)).isFalse();
        BigInteger numberBefore = DeviceCrls.crlNumber(before).orElseThrow();

        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("status", "REVOKED"))
                .patch("/api/v1/tenants/" + TENANT + "/devices/crl-dev-a").then().statusCode(200);

        byte[] der = publicGet(DeviceCaResource.CRL_PATH, DeviceCaResource.PKIX_CRL).asByteArray();
        X509CRL after = crl(der);
        after.verify(ca.getPublicKey());
        assertThat(after.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(after.isRevoked(revoked)).as("the revoked device's certificate").isTrue();
        assertThat(after.isRevoked(kept)).as("the other device's certificate").isFalse();
        assertThat(reason(after, revoked)).isEqualTo(CRLReason.privilegeWithdrawn);
        BigInteger numberAfter = DeviceCrls.crlNumber(after).orElseThrow();
        assertThat(numberAfter).as("CRL number").isGreaterThan(numberBefore);
        assertThat(after.getNextUpdate()).isAfter(after.getThisUpdate());
        assertThat(count("SELECT crl_number FROM device_crls WHERE crl_number = " + numberAfter)).as("stored for every replica").isEqualTo(1);

        assertThat(publicGet(DeviceCaResource.CRL_PATH, DeviceCaResource.PKIX_CRL).asByteArray())
                .as("an unchanged list is served again, not reissued").isEqualTo(der);

        String pem = publicGet(DeviceCaResource.CRLS_PEM_PATH, DeviceCaResource.PEM_FILE).asString();
        Collection<? extends CRL> all = CertificateFactory.getInstance("X.509")
                .generateCRLs(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(all).as("one list per trusted CA generation").hasSize(cas.size());
        assertThat(((X509CRL) all.iterator().next()).getEncoded()).as("the current CA's list first").isEqualTo(der);

        assertThat(given().get(DeviceCaResource.PATH).statusCode()).as("the CA list itself still takes a key").isEqualTo(401);
    }

    private X509Certificate enroll(String device) throws Exception {
        String token = OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("deviceId", device))
                .post("/api/v1/tenants/" + TENANT + "/devices").then().statusCode(201).extract().jsonPath().getString("enrollment.token");
        String chain = given().contentType(ContentType.JSON)
                .body(Map.of("token", token, "csr", CertificateRequests.create(Keys.generate(SignatureAlgorithm.ES256, RANDOM), device)))
                .post("/api/v1/enroll").then().statusCode(200).extract().jsonPath().getList("certificateChain", String.class).get(0);
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Pem.decode("CERTIFICATE", chain)));
    }

    /** Without any credential: the endpoints are public. */
    private static Response publicGet(String path, String contentType) {
        Response response = given().get(path);
        assertThat(response.statusCode()).as(path + ": " + response.asString()).isEqualTo(200);
        assertThat(response.contentType()).startsWith(contentType);
        return response;
    }

    @SuppressWarnings("unchecked")
    private static List<X509Certificate> certificates(String pem) throws Exception {
        return List.copyOf((Collection<X509Certificate>) CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
    }

    private static X509CRL crl(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    private static int reason(X509CRL crl, X509Certificate certificate) {
        byte[] value = crl.getRevokedCertificate(certificate).getExtensionValue(Extension.reasonCode.getId());
        return ASN1Enumerated.getInstance(ASN1OctetString.getInstance(value).getOctets()).intValueExact();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? 1 + (rs.next() ? 1 : 0) : 0;
        }
    }
}
