package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * A device and its current public key; table {@code devices}. The id is unique across the
 * deployment, and so is {@code kid} (how a message finds its key; every key a device ever had is in
 * {@code device_keys}). The key columns are null while the device waits for its enrollment.
 */
@Entity
@Table(name = "devices")
public class Device extends PanacheEntityBase {
    @Id
    @Column(name = "device_id")
    public String deviceId;

    @Column(name = "tenant_id", nullable = false, updatable = false)
    public String tenantId;

    /** A site of the same tenant, or null. */
    @Column(name = "site_id")
    public String siteId;

    /** First 16 bytes of SHA-256 over {@link #spki}; null while enrollment is pending. Changed by the enrollment service only. */
    @Column(updatable = false)
    public byte[] kid;

    /** Canonical SubjectPublicKeyInfo DER; null while enrollment is pending. */
    @Column(updatable = false)
    public byte[] spki;

    /** ES256, EdDSA, SM2-SM3, ML-DSA-44 or ML-DSA-65 (io.sensorproof.protocol.cose.SignatureAlgorithm labels); null while enrollment is pending. */
    @Column(updatable = false)
    public String alg;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public DeviceStatus status;

    @Column(name = "created_at", nullable = false, updatable = false)
    public OffsetDateTime createdAt;
}
