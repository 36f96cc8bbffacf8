package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.gateway.enroll.DeviceCrls.Revoked;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The device CA's revocation lists, one per trusted CA generation: the certificates of that
 * generation that are revoked (a device set to REVOKED; the {@code devices_revocation} trigger of
 * V5 sets {@code device_certificates.revoked_at}) and not yet expired, reason privilegeWithdrawn.
 * Renewal and re-key revoke nothing: the replaced certificate stays valid until it expires (ADR 010),
 * so it is not listed. A list is reissued when its entries change or a quarter of
 * {@code sensorproof.ca.crl-validity} has passed; each issue takes the next value of the PostgreSQL
 * sequence {@code device_crl_number} (V25), so CRL numbers grow across restarts and replicas.
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

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    /** A CRL this replica issued, with the entries it was built from. */
    private record Issued(X509CRL crl, List<Revoked> entries, Instant thisUpdate) {
    }

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

    /** The CRL of {@code issuer}: the one issued before when still current, otherwise a new one. */
    Uni<X509CRL> crl(CaEntry issuer) {
        String fingerprint = issuer.fingerprintHex();
        return pool.preparedQuery(SELECT_REVOKED).execute(Tuple.of(fingerprint)).chain(rows -> {
            List<Revoked> entries = new ArrayList<>();
            for (Row row : rows) {
                entries.add(new Revoked(new BigInteger(row.getString("serial"), 16), row.getOffsetDateTime("revoked_at").toInstant(),
                        DeviceCrls.Reason.PRIVILEGE_WITHDRAWN));
            }
            Instant now = ca.now();
            Duration validity = config.ca().crlValidity();
            Issued before = issued.get(fingerprint);
            if (before != null && before.entries().equals(entries) && now.isBefore(before.thisUpdate().plus(validity.dividedBy(4)))) {
                return Uni.createFrom().item(before.crl());
            }
            return pool.query("SELECT nextval('device_crl_number') AS n").execute().map(numbers -> {
                long number = numbers.iterator().next().getLong("n");
                // one second back, like certificates' notBefore: a relying party whose clock is a little behind still accepts it
                Instant thisUpdate = now.minusSeconds(1);
                X509CRL crl = DeviceCrls.build(issuer.certificate(), issuer.key(), BigInteger.valueOf(number), thisUpdate,
                        thisUpdate.plus(validity), entries);
                issued.merge(fingerprint, new Issued(crl, entries, thisUpdate),
                        (old, fresh) -> DeviceCrls.crlNumber(old.crl()).orElse(BigInteger.ZERO)
                                .compareTo(BigInteger.valueOf(number)) > 0 ? old : fresh);
                LOG.debugf("device CA %s: CRL %d with %d revoked certificate(s) until %s", issuer.alias(), number, entries.size(),
                        thisUpdate.plus(validity));
                return crl;
            });
        });
    }
}
