package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.GatewaySettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.registry.SiteResource;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.EnrollmentRequest;
import io.sensorproof.protocol.enroll.EnrollmentResponse;
import io.sensorproof.protocol.enroll.EnrollmentToken;
import io.sensorproof.protocol.enroll.Pem;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessages;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Enrollment tokens and the enrollment exchange ({@code POST /api/v1/enroll}), on the reactive
 * PostgreSQL client, one transaction per request with the token and device rows locked, so
 * concurrent requests with one token are serialized. See ADR 010 for the design: tokens stored as
 * hashes, identity from the token, idempotent retry, renewal tokens in each response, re-key with
 * the replaced key still accepted until its certificate expires. Created at start, so the refusal
 * counters exist (at zero) before the first request.
 */
@ApplicationScoped
@Startup
public class EnrollmentService {
    private static final Logger LOG = Logger.getLogger(EnrollmentService.class);

    static final String SELECT_TOKEN = "SELECT t.device_id, t.kind, t.ca_fingerprint, t.used_at IS NOT NULL AS used,"
            + " t.certificate_serial, t.superseded_at IS NOT NULL AS superseded, t.expires_at <= now() AS expired,"
            + " COALESCE(t.used_at > now() - make_interval(secs => $2), false) AS retry_open,"
            + " d.tenant_id, d.status, d.kid,"
            + " (SELECT h.kid FROM device_hybrid_keys h WHERE h.classical_kid = d.kid) AS pq_kid"
            + " FROM enrollment_tokens t JOIN devices d ON d.device_id = t.device_id WHERE t.token_hash = $1 FOR UPDATE OF t, d";

    @Inject
    Pool pool;
    @Inject
    DeviceCertificateAuthority ca;
    @Inject
    GatewaySettings config;
    @Inject
    IngestService ingest;
    @Inject
    MeterRegistry meters;
    @Inject
    AuditLog auditLog;

    private final SecureRandom random = new SecureRandom();
    private final Map<EnrollmentRefusal, Counter> refused = new EnumMap<>(EnrollmentRefusal.class);
    private final Map<IssueKind, Counter> issued = new EnumMap<>(IssueKind.class);
    private Semaphore inFlight;

    /** What an enrollment did; the {@code kind} tag of {@code sensorproof_enrollment_issued_total}. */
    public enum IssueKind {
        /** First certificate of a device. */
        ENROLLMENT,
        /** New certificate for the device's current key. */
        RENEWAL,
        /** New certificate for a new key; the previous key is retired. */
        REKEY,
        /** The same certificate again, for a retried request. */
        RETRY
    }

    /**
     * A token as the operator receives it (the only time the token string is shown).
     *
     * @param token the token string
     * @param tenantId tenant
     * @param deviceId device it is bound to
     * @param expiresAt end of its lifetime
     * @param caFingerprint SHA-256 (hex) of the CA certificate it pins
     */
    public record IssuedToken(String token, String tenantId, String deviceId, Instant expiresAt, String caFingerprint) {
    }

    /**
     * A certificate issued to a device.
     *
     * @param serial hex serial
     * @param kid kid of the certified key
     * @param caFingerprint issuing CA
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @param issuedAt when it was issued
     * @param revokedAt when it was revoked, or null
     * @param pem the certificate
     */
    public record CertificateView(String serial, String kid, String caFingerprint, Instant notBefore, Instant notAfter,
            Instant issuedAt, Instant revokedAt, String pem) {
    }

    /**
     * A device created without a key.
     *
     * @param token its first enrollment token
     * @param createdAt when the device row was created
     */
    public record PendingDevice(IssuedToken token, Instant createdAt) {
    }

    @PostConstruct
    void init() {
        inFlight = new Semaphore(Math.max(1, config.enrollment().maxConcurrent()));
        for (EnrollmentRefusal r : EnrollmentRefusal.values()) {
            refused.put(r, Counter.builder("sensorproof.enrollment.refused").tag("code", r.name())
                    .description("enrollment requests refused, by code").register(meters));
        }
        for (IssueKind k : IssueKind.values()) {
            issued.put(k, Counter.builder("sensorproof.enrollment.issued").tag("kind", k.name())
                    .description("certificates returned by the enrollment endpoint, by kind").register(meters));
        }
    }

    /** Counts a refusal that happened outside {@link #enroll} (e.g. an unreadable body). */
    public void countRefusal(EnrollmentRefusal refusal) {
        refused.get(refusal).increment();
    }

    /**
     * Creates a device without a key (pending enrollment), optionally at a site of its tenant, and
     * its first enrollment token; audited in the same transaction.
     *
     * @throws ApiException TENANT_NOT_FOUND, TENANT_NOT_A_FACTORY, SITE_NOT_FOUND, DEVICE_EXISTS
     */
    public Uni<PendingDevice> createPendingDevice(ApiKeyPrincipal caller, String tenant, String deviceId, Optional<String> site) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT kind FROM tenants WHERE id = $1").execute(Tuple.of(tenant))
                .chain(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        return Uni.createFrom().failure(ApiException.notFound("TENANT_NOT_FOUND", "no tenant '" + tenant + "'",
                                Map.of("tenant", tenant)));
                    }
                    if (!"factory".equals(row.getString("kind"))) {
                        return Uni.createFrom().failure(ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants own"
                                + " devices; '" + tenant + "' is a " + row.getString("kind"), Map.of("tenant", tenant,
                                "kind", row.getString("kind"))));
                    }
                    if (site.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return conn.preparedQuery("SELECT 1 FROM sites WHERE tenant_id = $1 AND site_id = $2")
                            .execute(Tuple.of(tenant, site.get()))
                            .chain(sites -> sites.size() == 0
                                    ? Uni.createFrom().failure(SiteResource.notFound(tenant, site.get()))
                                    : Uni.createFrom().voidItem());
                })
                .chain(() -> conn.preparedQuery("INSERT INTO devices (device_id, tenant_id, site_id) VALUES ($1, $2, $3)"
                        + " ON CONFLICT DO NOTHING RETURNING created_at").execute(Tuple.of(deviceId, tenant, site.orElse(null))))
                .chain(rows -> {
                    Row created = first(rows);
                    if (created == null) {
                        return Uni.createFrom().failure(ApiException.conflict("DEVICE_EXISTS", "device id '" + deviceId
                                + "' is already registered (device ids are unique across the deployment)", Map.of("device", deviceId)));
                    }
                    Instant createdAt = created.getOffsetDateTime("created_at").toInstant();
                    return insertToken(conn, tenant, deviceId, "ENROLLMENT", Instant.now().plus(config.enrollment().tokenTtl()))
                            .map(token -> new PendingDevice(token, createdAt));
                })
                .call(pending -> {
                    Map<String, Object> detail = new java.util.HashMap<>();
                    detail.put("enrollment", "pending");
                    detail.put("tokenExpiresAt", pending.token().expiresAt().toString());
                    site.ifPresent(id -> detail.put("site", id));
                    return auditLog.append(conn, AuditEvent.by(caller, AuditAction.DEVICE_REGISTERED, tenant, deviceId, detail));
                }));
    }

    /**
     * Issues a fresh enrollment token for an existing device (first enrollment, re-enrollment of a
     * device that lost its key, re-key by the operator); the device's open tokens are voided.
     *
     * @throws ApiException DEVICE_NOT_FOUND, DEVICE_REVOKED
     */
    public Uni<IssuedToken> issueToken(ApiKeyPrincipal caller, String tenant, String deviceId) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT tenant_id, status FROM devices WHERE device_id = $1 FOR UPDATE")
                .execute(Tuple.of(deviceId))
                .chain(rows -> {
                    Row row = first(rows);
                    if (row == null || !row.getString("tenant_id").equals(tenant)) {
                        return Uni.createFrom().failure(ApiException.notFound("DEVICE_NOT_FOUND",
                                "no device '" + deviceId + "' in tenant '" + tenant + "'", Map.of("tenant", tenant, "device", deviceId)));
                    }
                    if ("REVOKED".equals(row.getString("status"))) {
                        return Uni.createFrom().failure(ApiException.conflict("DEVICE_REVOKED",
                                "device '" + deviceId + "' is revoked; revocation is final", Map.of("device", deviceId)));
                    }
                    return insertToken(conn, tenant, deviceId, "ENROLLMENT", Instant.now().plus(config.enrollment().tokenTtl()));
                })
                .call(token -> auditLog.append(conn, AuditEvent.by(caller, AuditAction.ENROLLMENT_TOKEN_ISSUED, tenant, deviceId,
                        Map.of("expiresAt", token.expiresAt().toString(), "caFingerprint", token.caFingerprint())))));
    }

    /** The certificates issued to a device, newest first. */
    public Uni<List<CertificateView>> certificates(String tenant, String deviceId) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        return pool.preparedQuery("SELECT tenant_id FROM devices WHERE device_id = $1").execute(Tuple.of(deviceId)).chain(rows -> {
            Row row = first(rows);
            if (row == null || !row.getString("tenant_id").equals(tenant)) {
                return Uni.createFrom().failure(ApiException.notFound("DEVICE_NOT_FOUND",
                        "no device '" + deviceId + "' in tenant '" + tenant + "'", Map.of("tenant", tenant, "device", deviceId)));
            }
            return pool.preparedQuery("SELECT serial, kid, ca_fingerprint, der, not_before, not_after, issued_at, revoked_at"
                    + " FROM device_certificates WHERE device_id = $1 ORDER BY issued_at DESC, serial").execute(Tuple.of(deviceId))
                    .map(certs -> {
                        List<CertificateView> views = new ArrayList<>();
                        for (Row c : certs) {
                            OffsetDateTime revoked = c.getOffsetDateTime("revoked_at");
                            views.add(new CertificateView(c.getString("serial"), HexFormat.of().formatHex(c.getBuffer("kid").getBytes()),
                                    c.getString("ca_fingerprint"), c.getOffsetDateTime("not_before").toInstant(),
                                    c.getOffsetDateTime("not_after").toInstant(), c.getOffsetDateTime("issued_at").toInstant(),
                                    revoked == null ? null : revoked.toInstant(), Pem.encode("CERTIFICATE", c.getBuffer("der").getBytes())));
                        }
                        return views;
                    });
        });
    }

    /**
     * The enrollment exchange. {@code namedDevice}, when the caller gives one, must be the token's
     * device.
     *
     * @throws EnrollmentException with the refusal's code (also counted)
     */
    public Uni<EnrollmentResponse> enroll(EnrollmentRequest request, Optional<String> namedDevice) {
        if (!inFlight.tryAcquire()) {
            return Uni.createFrom().failure(count(new EnrollmentException(EnrollmentRefusal.ENROLLMENT_BUSY,
                    "too many enrollment requests at once; retry in a second")));
        }
        Uni<EnrollmentResponse> result;
        try {
            result = process(request, namedDevice);
        } catch (RuntimeException e) {
            result = Uni.createFrom().failure(e);
        }
        return result
                .onFailure(EnrollmentException.class).invoke(e -> count((EnrollmentException) e))
                .onTermination().invoke(inFlight::release);
    }

    private EnrollmentException count(EnrollmentException e) {
        refused.get(e.refusal()).increment();
        return e;
    }

    private Uni<EnrollmentResponse> process(EnrollmentRequest request, Optional<String> namedDevice) {
        if (request == null || request.token() == null || request.csr() == null) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "body {token, csr} is required");
        }
        EnrollmentToken token;
        try {
            token = EnrollmentToken.parse(request.token());
        } catch (ProtocolException e) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_TOKEN, e.getMessage());
        }
        if (namedDevice.isPresent() && !Identifiers.isValid(namedDevice.get())) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_REQUEST, "deviceId does not follow the identifier grammar");
        }
        CsrCheck csr = CsrCheck.verify(request.csr());
        Optional<CsrCheck> postQuantum = Optional.ofNullable(request.postQuantumCsr()).map(CsrCheck::verify);
        if (postQuantum.isPresent() && (!ReadingMessages.HYBRID_CLASSICAL.contains(csr.key().algorithm())
                || !postQuantum.get().key().algorithm().isPostQuantum())) {
            throw new EnrollmentException(EnrollmentRefusal.HYBRID_ALGORITHMS, "a hybrid device's csr is for an ES256 or EdDSA key and its"
                    + " postQuantumCsr for an ML-DSA-44 or ML-DSA-65 key, not " + csr.key().algorithm().label() + " and "
                    + postQuantum.get().key().algorithm().label(), Map.of("alg", csr.key().algorithm().label(),
                    "postQuantumAlg", postQuantum.get().key().algorithm().label()));
        }
        return pool.withTransaction(conn -> conn.preparedQuery(SELECT_TOKEN)
                .execute(Tuple.of(token.storageHash(), (double) config.enrollment().retryWindow().toSeconds()))
                .chain(rows -> {
                    Row row = first(rows);
                    if (row == null) {
                        throw new EnrollmentException(EnrollmentRefusal.UNKNOWN_TOKEN, "no such enrollment token");
                    }
                    return decide(conn, new TokenRow(row), token, csr, postQuantum, namedDevice);
                }))
                .onFailure(EnrollmentService::isKidViolation).transform(f -> new EnrollmentException(
                        EnrollmentRefusal.KEY_ALREADY_REGISTERED, "the CSR's key is registered to another device",
                        Map.of("kid", csr.key().kidHex())));
    }

    /** The locked token row with its device. */
    private record TokenRow(String deviceId, String kind, String caFingerprint, boolean used, String certificateSerial,
            boolean superseded, boolean expired, boolean retryOpen, String tenantId, String status, byte[] currentKid,
            byte[] currentPostQuantumKid) {
        TokenRow(Row row) {
            this(row.getString("device_id"), row.getString("kind"), row.getString("ca_fingerprint"), row.getBoolean("used"),
                    row.getString("certificate_serial"), row.getBoolean("superseded"), row.getBoolean("expired"), row.getBoolean("retry_open"),
                    row.getString("tenant_id"), row.getString("status"),
                    row.getBuffer("kid") == null ? null : row.getBuffer("kid").getBytes(),
                    row.getBuffer("pq_kid") == null ? null : row.getBuffer("pq_kid").getBytes());
        }
    }

    private Uni<EnrollmentResponse> decide(SqlConnection conn, TokenRow t, EnrollmentToken token, CsrCheck csr,
            Optional<CsrCheck> postQuantumCsr, Optional<String> namedDevice) {
        if (namedDevice.isPresent() && !namedDevice.get().equals(t.deviceId())) {
            throw new EnrollmentException(EnrollmentRefusal.TOKEN_FOR_OTHER_DEVICE, "the token is bound to another device than '"
                    + namedDevice.get() + "'", Map.of("device", namedDevice.get()));
        }
        csr.requireSubjectMatches(t.tenantId(), t.deviceId());
        postQuantumCsr.ifPresent(p -> p.requireSubjectMatches(t.tenantId(), t.deviceId()));
        Optional<VerificationKey> postQuantum = postQuantumCsr.map(CsrCheck::key);
        if (t.used()) {
            return retry(conn, t, csr, postQuantum);
        }
        if (t.superseded()) {
            throw new EnrollmentException(EnrollmentRefusal.TOKEN_SUPERSEDED, "this token was replaced by a newer one or voided");
        }
        if (t.expired()) {
            throw new EnrollmentException(EnrollmentRefusal.TOKEN_EXPIRED, "this enrollment token has expired; ask for a new one");
        }
        if (!"ACTIVE".equals(t.status())) {
            throw new EnrollmentException(EnrollmentRefusal.DEVICE_INACTIVE, "device '" + t.deviceId() + "' is " + t.status(),
                    Map.of("device", t.deviceId(), "status", t.status()));
        }
        Instant now = ca.now();
        CaGenerations generations = ca.generations();
        CaEntry issuer = generations.trustedByFingerprint(t.caFingerprint(), now).orElseThrow(() -> new EnrollmentException(
                EnrollmentRefusal.TOKEN_CA_NOT_TRUSTED, "the CA this token pins is no longer trusted; ask for a new token"));
        VerificationKey key = csr.key();
        if (t.currentPostQuantumKid() != null && postQuantum.isEmpty()) {
            // a hybrid device stays hybrid: a renewal or re-key without its ML-DSA key would be a silent downgrade (ADR 029)
            throw new EnrollmentException(EnrollmentRefusal.HYBRID_KEY_REQUIRED, "device '" + t.deviceId() + "' is hybrid (its current"
                    + " key has the ML-DSA partner " + HexFormat.of().formatHex(t.currentPostQuantumKid()) + "); send postQuantumCsr with"
                    + " its ML-DSA key", Map.of("device", t.deviceId(), "postQuantumKid", HexFormat.of().formatHex(t.currentPostQuantumKid())));
        }
        return conn.preparedQuery("SELECT device_id, retired_at IS NOT NULL AS retired, revoked_at IS NOT NULL AS revoked"
                + " FROM device_keys WHERE kid = $1").execute(Tuple.of(Buffer.buffer(key.kid())))
                .chain(rows -> postQuantum.isEmpty() ? Uni.createFrom().item(new KeyRows(rows, false))
                        : conn.preparedQuery("SELECT 1 FROM device_hybrid_keys WHERE kid = $1").execute(Tuple.of(Buffer.buffer(
                                postQuantum.get().kid()))).map(pq -> new KeyRows(rows, pq.size() > 0)))
                .chain(keyRows -> {
                    RowSet<Row> rows = keyRows.classical();
                    Row existing = first(rows);
                    IssueKind kind;
                    if (existing != null) {
                        if (!existing.getString("device_id").equals(t.deviceId())) {
                            throw new EnrollmentException(EnrollmentRefusal.KEY_ALREADY_REGISTERED,
                                    "the CSR's key is registered to another device", Map.of("kid", key.kidHex()));
                        }
                        if (existing.getBoolean("revoked")) {
                            throw new EnrollmentException(EnrollmentRefusal.KEY_REVOKED, "the CSR's key is revoked; generate a new key",
                                    Map.of("kid", key.kidHex()));
                        }
                        if (existing.getBoolean("retired")) {
                            throw new EnrollmentException(EnrollmentRefusal.KEY_ALREADY_REGISTERED,
                                    "the CSR's key is a replaced key of this device; a replaced key cannot become current again",
                                    Map.of("kid", key.kidHex()));
                        }
                        kind = IssueKind.RENEWAL;
                    } else {
                        kind = t.currentKid() == null ? IssueKind.ENROLLMENT : IssueKind.REKEY;
                    }
                    // the ML-DSA partner: a renewal keeps the registered one; a device's first partner, or a new key's, is added
                    boolean samePartner = postQuantum.isPresent() && t.currentPostQuantumKid() != null && kind == IssueKind.RENEWAL
                            && Arrays.equals(postQuantum.get().kid(), t.currentPostQuantumKid());
                    if (kind == IssueKind.RENEWAL && t.currentPostQuantumKid() != null && !samePartner) {
                        throw new EnrollmentException(EnrollmentRefusal.HYBRID_KEY_MISMATCH, "a renewal keeps the ML-DSA key registered"
                                + " with the current key (" + HexFormat.of().formatHex(t.currentPostQuantumKid()) + "); to change it,"
                                + " re-key both keys", Map.of("postQuantumKid", postQuantum.get().kidHex()));
                    }
                    if (postQuantum.isPresent() && !samePartner && keyRows.postQuantumRegistered()) {
                        throw new EnrollmentException(EnrollmentRefusal.KEY_ALREADY_REGISTERED, "the postQuantumCsr's ML-DSA key is"
                                + " already registered (a re-key replaces both keys of a hybrid device)",
                                Map.of("kid", postQuantum.get().kidHex()));
                    }
                    Optional<VerificationKey> newPartner = samePartner ? Optional.empty() : postQuantum;
                    Instant cap = generations.trustedUntil(issuer.fingerprintHex()).orElse(now);
                    X509Certificate certificate = DeviceCertificates.issue(issuer, key, t.tenantId(), t.deviceId(), now,
                            config.enrollment().certificateValidity(), cap, random);
                    return installKey(conn, t, key, kind)
                            .chain(() -> newPartner.isEmpty() ? Uni.createFrom().voidItem() : conn.preparedQuery(
                                    "INSERT INTO device_hybrid_keys (kid, classical_kid, device_id, spki, alg) VALUES ($1, $2, $3, $4, $5)")
                                    .execute(Tuple.of(Buffer.buffer(newPartner.get().kid()), Buffer.buffer(key.kid()), t.deviceId(),
                                            Buffer.buffer(newPartner.get().spki()), newPartner.get().algorithm().label())).replaceWithVoid())
                            .chain(() -> storeCertificate(conn, t, token, issuer, key, certificate))
                            .chain(() -> respond(conn, t, certificate, issuer.certificate(), true))
                            .call(response -> auditLog.append(conn, new AuditEvent(AuditEvent.Actor.system("enrollment token"),
                                    switch (kind) {
                                        case ENROLLMENT -> AuditAction.DEVICE_ENROLLED;
                                        case RENEWAL -> AuditAction.CERTIFICATE_RENEWED;
                                        case REKEY -> AuditAction.DEVICE_REKEYED;
                                        case RETRY -> throw new IllegalStateException("a retry issues no certificate");
                                    }, t.tenantId(), t.deviceId(), auditDetail(key, postQuantum, certificate, issuer))))
                            .invoke(response -> {
                                issued.get(kind).increment();
                                LOG.infof("enrollment %s: device %s/%s, key %s, certificate %s until %s", kind, t.tenantId(), t.deviceId(),
                                        key.kidHex(), serialHex(certificate), certificate.getNotAfter().toInstant());
                            });
                });
    }

    /** The device_keys row of the CSR's key, and whether the request's ML-DSA key is already some key's partner. */
    private record KeyRows(RowSet<Row> classical, boolean postQuantumRegistered) {
    }

    private static Map<String, Object> auditDetail(VerificationKey key, Optional<VerificationKey> postQuantum, X509Certificate certificate,
            CaEntry issuer) {
        Map<String, Object> detail = new java.util.HashMap<>(Map.of("kid", key.kidHex(), "serial", serialHex(certificate),
                "notAfter", certificate.getNotAfter().toInstant().toString(), "ca", issuer.fingerprintHex()));
        postQuantum.ifPresent(pq -> {
            detail.put("postQuantumKid", pq.kidHex());
            detail.put("postQuantumAlg", pq.algorithm().label());
        });
        return detail;
    }

    /**
     * A used token: the same certificate again if the key (and the ML-DSA partner, for a hybrid device) matches and
     * nothing newer was issued since.
     */
    private Uni<EnrollmentResponse> retry(SqlConnection conn, TokenRow t, CsrCheck csr, Optional<VerificationKey> postQuantum) {
        return conn.preparedQuery("SELECT c.serial, c.kid, c.der, c.ca_der, c.revoked_at IS NOT NULL AS revoked,"
                + " (SELECT h.kid FROM device_hybrid_keys h WHERE h.classical_kid = c.kid) AS pq_kid,"
                + " (SELECT n.serial FROM device_certificates n WHERE n.device_id = c.device_id ORDER BY n.issued_at DESC, n.serial DESC LIMIT 1)"
                + " AS newest FROM device_certificates c WHERE c.serial = $1").execute(Tuple.of(t.certificateSerial())).chain(rows -> {
                    Row c = first(rows);
                    boolean sameKey = c != null && Arrays.equals(c.getBuffer("kid").getBytes(), csr.key().kid())
                            && Arrays.equals(c.getBuffer("pq_kid") == null ? null : c.getBuffer("pq_kid").getBytes(),
                                    postQuantum.map(VerificationKey::kid).orElse(null));
                    if (!sameKey) {
                        throw new EnrollmentException(EnrollmentRefusal.TOKEN_ALREADY_USED,
                                "this token was already used with another key", Map.of("kid", csr.key().kidHex()));
                    }
                    if (c.getBoolean("revoked") || !c.getString("serial").equals(c.getString("newest")) || !"ACTIVE".equals(t.status())
                            || !t.retryOpen()) {
                        throw new EnrollmentException(EnrollmentRefusal.TOKEN_ALREADY_USED,
                                "this token was already used, and the retry window has passed or a later enrollment or a revocation followed");
                    }
                    X509Certificate certificate = parse(c.getBuffer("der").getBytes());
                    X509Certificate caCertificate = parse(c.getBuffer("ca_der").getBytes());
                    // the tokens handed out so far stay open: a replayed retry must not void the renewal token the
                    // device already holds
                    return respond(conn, t, certificate, caCertificate, false).invoke(r -> issued.get(IssueKind.RETRY).increment());
                });
    }

    private Uni<Void> installKey(SqlConnection conn, TokenRow t, VerificationKey key, IssueKind kind) {
        if (kind == IssueKind.RENEWAL) {
            return Uni.createFrom().voidItem();
        }
        Uni<Void> retire = t.currentKid() == null ? Uni.createFrom().voidItem()
                : conn.preparedQuery("UPDATE device_keys SET retired_at = now(), accepted_until = COALESCE("
                        + "(SELECT max(not_after) FROM device_certificates WHERE kid = $1 AND revoked_at IS NULL),"
                        + " now() + make_interval(secs => $2)) WHERE kid = $1")
                        .execute(Tuple.of(Buffer.buffer(t.currentKid()), (double) config.enrollment().retiredKeyGrace().toSeconds()))
                        .replaceWithVoid();
        return retire
                .chain(() -> conn.preparedQuery("INSERT INTO device_keys (kid, device_id, spki, alg) VALUES ($1, $2, $3, $4)")
                        .execute(Tuple.of(Buffer.buffer(key.kid()), t.deviceId(), Buffer.buffer(key.spki()), key.algorithm().label())))
                .chain(() -> conn.preparedQuery("UPDATE devices SET kid = $2, spki = $3, alg = $4 WHERE device_id = $1")
                        .execute(Tuple.of(t.deviceId(), Buffer.buffer(key.kid()), Buffer.buffer(key.spki()), key.algorithm().label())))
                .replaceWithVoid();
    }

    private Uni<Void> storeCertificate(SqlConnection conn, TokenRow t, EnrollmentToken token, CaEntry issuer, VerificationKey key,
            X509Certificate certificate) {
        String serial = serialHex(certificate);
        try {
            return conn.preparedQuery("INSERT INTO device_certificates (serial, device_id, kid, ca_fingerprint, der, ca_der, not_before,"
                    + " not_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .execute(Tuple.tuple(List.of(serial, t.deviceId(), Buffer.buffer(key.kid()), issuer.fingerprintHex(),
                            Buffer.buffer(certificate.getEncoded()), Buffer.buffer(issuer.certificate().getEncoded()),
                            utc(certificate.getNotBefore().toInstant()), utc(certificate.getNotAfter().toInstant()))))
                    .chain(() -> conn.preparedQuery("UPDATE enrollment_tokens SET used_at = now(), certificate_serial = $2 WHERE token_hash = $1")
                            .execute(Tuple.of(token.storageHash(), serial)))
                    .replaceWithVoid();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The response, with a fresh renewal token ({@code supersede}: voiding the device's other open tokens). */
    private Uni<EnrollmentResponse> respond(SqlConnection conn, TokenRow t, X509Certificate certificate, X509Certificate caCertificate,
            boolean supersede) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return insertToken(conn, t.tenantId(), t.deviceId(), "RENEWAL", notAfter, supersede).map(renewal -> {
            try {
                return new EnrollmentResponse(t.tenantId(), t.deviceId(),
                        List.of(Pem.encode("CERTIFICATE", certificate.getEncoded()), Pem.encode("CERTIFICATE", caCertificate.getEncoded())),
                        EnrollmentResponse.AckKey.of(ingest.ackKey()), renewal.token());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Voids the device's open tokens and inserts a new one pinning the current CA. */
    private Uni<IssuedToken> insertToken(SqlConnection conn, String tenant, String deviceId, String kind, Instant expiresAt) {
        return insertToken(conn, tenant, deviceId, kind, expiresAt, true);
    }

    private Uni<IssuedToken> insertToken(SqlConnection conn, String tenant, String deviceId, String kind, Instant expiresAt,
            boolean supersede) {
        CaEntry current = ca.current();
        EnrollmentToken token = EnrollmentToken.generate(certificateDer(current.certificate()), random);
        Uni<Void> voidOpen = !supersede ? Uni.createFrom().voidItem() : conn.preparedQuery("UPDATE enrollment_tokens SET superseded_at = now()"
                + " WHERE device_id = $1 AND used_at IS NULL AND superseded_at IS NULL").execute(Tuple.of(deviceId)).replaceWithVoid();
        return voidOpen
                .chain(() -> conn.preparedQuery("INSERT INTO enrollment_tokens (token_hash, device_id, kind, ca_fingerprint, expires_at)"
                        + " VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(token.storageHash(), deviceId, kind, current.fingerprintHex(),
                        utc(expiresAt))))
                .map(rows -> new IssuedToken(token.value(), tenant, deviceId, expiresAt, current.fingerprintHex()));
    }

    private static boolean isKidViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState()) && pg.getConstraint() != null
                    && pg.getConstraint().contains("kid")) {
                return true;
            }
        }
        return false;
    }

    private static Row first(RowSet<Row> rows) {
        RowIterator<Row> it = rows.iterator();
        return it.hasNext() ? it.next() : null;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static String serialHex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16);
    }

    private static byte[] certificateDer(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored certificate does not parse", e);
        }
    }
}
