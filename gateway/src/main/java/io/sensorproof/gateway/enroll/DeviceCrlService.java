package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.enroll.DeviceCrls.Revoked;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The device CA's revocation lists, one per trusted CA generation: the certificates of that
 * generation that are revoked (a device set to REVOKED; the {@code devices_revocation} trigger of
 * V5 sets {@code device_certificates.revoked_at}) and not yet expired, reason privilegeWithdrawn.
 * Renewal and re-key revoke nothing: the replaced certificate stays valid until it expires (ADR 010),
 * so it is not listed. The newest list of each generation is stored in {@code device_crls} (V25) and
 * served by every replica until its entries change or a quarter of
 * {@code sensorproof.ca.crl-validity} has passed; then a new one is issued with the next value of the
 * sequence {@code device_crl_number}, so CRL numbers grow across restarts and replicas, and a broker
 * fetching from any replica never sees one go back. Two replicas issuing at once both succeed; the
 * higher number is kept.
 */
@ApplicationScoped
public class DeviceCrlService {
    private static final Logger LOG = Logger.getLogger(DeviceCrlService.class);
    static final String SELECT_REVOKED = "SELECT serial, revoked_at FROM device_certificates"
            + " WHERE ca_fingerprint = $1 AND revoked_at IS NOT NULL AND not_after > now() ORDER BY serial";

    @Inject
    Pool pool;
    @Inject
    DeviceCertificateAuthority ca;
    @Inject
    GatewaySettings config;

    /** Reads the newest list of a CA generation and whether it is due for reissue ($2: seconds of a quarter validity). */
    static final String SELECT_ISSUED = "SELECT crl_number, entries_digest, der, this_update + make_interval(secs => $2) <= now()"
            + " AS due FROM device_crls WHERE ca_fingerprint = $1";
    /** Keeps the list with the higher number when two replicas issue at once. */
    static final String UPSERT = "INSERT INTO device_crls (ca_fingerprint, crl_number, entries_digest, this_update, next_update, der)"
            + " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ca_fingerprint) DO UPDATE SET crl_number = EXCLUDED.crl_number,"
            + " entries_digest = EXCLUDED.entries_digest, this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update,"
            + " der = EXCLUDED.der WHERE device_crls.crl_number < EXCLUDED.crl_number";

    /** The CRL of the current CA generation. */
    public Uni<X509CRL> currentCrl() {
        return crl(ca.current());
    }

    /** The CRLs of every trusted CA generation, current first (what Mosquitto's {@code crlfile} needs: one per CA it trusts). */
    public Uni<List<X509CRL>> trustedCrls() {
        List<CaEntry> trusted = ca.generations().trusted(ca.now());
        Uni<List<X509CRL>> result = Uni.createFrom().item(new ArrayList<>());
        for (CaEntry entry : trusted) {
            result = result.chain(list -> crl(entry).map(crl -> {
                list.add(crl);
                return list;
            }));
        }
        return result;
    }

    /** The CRL of {@code issuer}: the stored one while its entries are current and it is not due, otherwise a new one. */
    Uni<X509CRL> crl(CaEntry issuer) {
        String fingerprint = issuer.fingerprintHex();
        Duration validity = config.ca().crlValidity();
        return pool.withTransaction(conn -> conn.preparedQuery(SELECT_REVOKED).execute(Tuple.of(fingerprint)).chain(rows -> {
            List<Revoked> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(new Revoked(new BigInteger(row.getString("serial"), 16), row.getOffsetDateTime("revoked_at").toInstant(),
                        DeviceCrls.Reason.PRIVILEGE_WITHDRAWN));
            }
            String digest = digest(entries);
            return conn.preparedQuery(SELECT_ISSUED).execute(Tuple.of(fingerprint, (double) validity.dividedBy(4).toSeconds()))
                    .chain(stored -> {
                        Row row = stored.iterator().hasNext() ? stored.iterator().next() : null;
                        if (row != null && digest.equals(row.getString("entries_digest")) && !row.getBoolean("due")) {
                            return Uni.createFrom().item(parse(row.getBuffer("der").getBytes()));
                        }
                        return issue(conn, issuer, entries, digest, validity);
                    });
        }));
    }

    private Uni<X509CRL> issue(SqlConnection conn, CaEntry issuer, List<Revoked> entries, String digest, Duration validity) {
        return conn.query("SELECT nextval('device_crl_number') AS n").execute().chain(numbers -> {
            long number = numbers.iterator().next().getLong("n");
            // one second back: a relying party whose clock is a little behind still accepts the list
            Instant thisUpdate = ca.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
            Instant nextUpdate = thisUpdate.plus(validity);
            X509CRL crl = DeviceCrls.build(issuer.certificate(), issuer.key(), BigInteger.valueOf(number), thisUpdate, nextUpdate, entries);
            byte[] der;
            try {
                der = crl.getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            LOG.infof("device CA %s: CRL %d with %d revoked certificate(s), next update %s", issuer.alias(), number, entries.size(),
                    nextUpdate);
            return conn.preparedQuery(UPSERT).execute(Tuple.tuple(List.of(issuer.fingerprintHex(), number, digest,
                    thisUpdate.atOffset(ZoneOffset.UTC), nextUpdate.atOffset(ZoneOffset.UTC), Buffer.buffer(der))))
                    .chain(upserted -> upserted.rowCount() == 1 ? Uni.createFrom().item(crl)
                            // another replica stored a newer list meanwhile: serve that one, never an older number
                            : conn.preparedQuery("SELECT der FROM device_crls WHERE ca_fingerprint = $1")
                                    .execute(Tuple.of(issuer.fingerprintHex()))
                                    .map(rows -> parse(rows.iterator().next().getBuffer("der").getBytes())));
        });
    }

    /** SHA-256 (hex) of the entries in serial order: what decides whether a stored list is still current. */
    static String digest(List<Revoked> entries) {
        StringBuilder text = new StringBuilder();
        entries.stream().sorted(Comparator.comparing(Revoked::serial)).forEach(r -> text.append(r.serial().toString(16))
                .append(' ').append(r.revokedAt().truncatedTo(ChronoUnit.SECONDS).getEpochSecond()).append(' ').append(r.reason().code())
                .append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509CRL parse(byte[] der) {
        try {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored CRL does not parse", e);
        }
    }
}
