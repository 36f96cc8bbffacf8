package io.sensorproof.gateway.claims;

import io.agroal.api.AgroalDataSource;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.batches.BatchAuditResource.ChainView;
import io.sensorproof.gateway.batches.BatchAuditResource.FindingView;
import io.sensorproof.gateway.claims.PgClaimAuditBundles.ListPosition;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.oracle.audit.ClaimAuditReport;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The regulator's audit of an anchored run or emissions claim (issue 15, ADR 027 "Claims"), for regulator and
 * operator keys ({@link Access#requirePlatformRead}, as the batch audit): a listing to find the claims of a
 * device, a lot or an emissions facility, the audit run here ({@link ClaimAudits}) and the claim audit bundle
 * to run it offline with {@code audit-claim} (docs/bundles.md). The resource parses, authorises and renders; the
 * audit is the oracle's framework-free {@code ClaimAudit}. Findings render as the batch audit's.
 */
@Path("/api/v1/claims")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class ClaimAuditResource {
    private static final String CURSOR_KIND = "claims";

    private final ClaimAudits audits;
    private final Access access;
    private final PgClaimProofStatuses proofs;

    ClaimAuditResource(ClaimAudits audits, Access access, AgroalDataSource dataSource) {
        this.audits = audits;
        this.access = access;
        this.proofs = new PgClaimProofStatuses(dataSource);
    }

    /**
     * One claim of the listing.
     *
     * @param claimId its id (AnchorRegistry's)
     * @param circuit {@code excursion} (run claim) or {@code emissions}
     * @param device its device
     * @param lotId the lot of a run claim, else null
     * @param facilityId the emissions facility of an emissions claim, else null
     * @param periodId the period of an emissions claim, else null
     * @param state the gateway's state of the claim
     * @param anchored whether it is anchored (only anchored claims are audited)
     * @param firstTime first reading time (ms)
     * @param lastTime last reading time (ms)
     * @param count readings in it
     * @param anchorTransaction the anchoring transaction, when recorded
     * @param createdAt when it was planned
     * @param quantity the watched quantity's name (run claims) or {@code co2e-register} (emissions claims)
     * @param proof the proof status from the claim's oracle job
     */
    public record ClaimView(String claimId, String circuit, String device, Long lotId, Long facilityId, Long periodId,
            String state, boolean anchored, long firstTime, long lastTime, long count, String anchorTransaction,
            String createdAt, String quantity, ProofView proof) {
        static ClaimView of(PgClaimAuditBundles.ClaimRow r, Optional<PgClaimProofStatuses.ProofStatus> status) {
            return new ClaimView(r.claimId(), r.circuit(), r.deviceId(), r.lotId().orElse(null), r.facilityId().orElse(null),
                    r.periodId().orElse(null), r.state(), r.anchored(), r.firstTime(), r.lastTime(), r.count(),
                    r.anchorTransaction().orElse(null), r.createdAt().toString(),
                    status.map(PgClaimProofStatuses.ProofStatus::quantity).orElse(null), ProofView.of(status));
        }
    }

    /**
     * A claim's proof status: its oracle job's state and, when it failed, why; the anchoring transaction and block.
     *
     * @param jobState ASSEMBLED, PROVED, SELF_VERIFIED, SUBMITTED, CONFIRMED or FAILED; null before the job is enqueued
     * @param failureCode the job's failure code when FAILED
     * @param failureMessage the job's failure message when FAILED
     * @param transaction the anchoring transaction, once signed
     * @param block the block that mined it, once confirmed
     * @param attempts the job's attempts so far
     */
    public record ProofView(String jobState, String failureCode, String failureMessage, String transaction, Long block,
            int attempts) {
        static ProofView of(Optional<PgClaimProofStatuses.ProofStatus> status) {
            return status.map(s -> new ProofView(s.jobState().orElse(null), s.failureCode().orElse(null),
                    s.failureMessage().orElse(null), s.transaction().orElse(null), s.block().orElse(null), s.attempts()))
                    .orElse(new ProofView(null, null, null, null, null, 0));
        }
    }

    /**
     * A claim's audit report.
     *
     * @param claimId the claim
     * @param circuit {@code excursion} or {@code emissions}
     * @param clean true when nothing differs
     * @param readingsChecked readings re-checked from their signed messages
     * @param chain the chain compared with; null when none is configured (compared with the recorded root)
     * @param findings every difference, by reading key where it concerns one
     */
    public record ClaimAuditView(String claimId, String circuit, boolean clean, int readingsChecked, ChainView chain,
            List<FindingView> findings) {
        static ClaimAuditView of(ClaimAuditReport r) {
            return new ClaimAuditView(r.claimId(), r.circuit(), r.clean(), r.report().readingsChecked(),
                    r.chain().map(c -> new ChainView(c.chainId(), c.registry())).orElse(null),
                    r.report().findings().stream().map(FindingView::of).toList());
        }
    }

    @GET
    @Blocking
    @Operation(summary = "Claims (run and emissions) for a regulator or operator to audit, newest first, filtered by device,"
            + " lot (run claims) or emissions facility; each with its state, whether it is anchored, its quantity and its proof"
            + " status (the proving job's state, failure code and message, anchoring transaction and block); paged")
    public Page<ClaimView> list(@Context SecurityContext security, @QueryParam("device") String device, @QueryParam("lot") String lot,
            @QueryParam("facility") String facility, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        access.requirePlatformRead(security);
        Optional<String> deviceId = Optional.ofNullable(device).filter(d -> !d.isEmpty());
        if (deviceId.isPresent() && !Identifiers.isValid(deviceId.get())) {
            throw QueryParameters.invalid("device", device, "a device id");
        }
        Optional<Long> lotId = Optional.ofNullable(lot).filter(l -> !l.isEmpty())
                .map(l -> QueryParameters.longValue("lot", l, 1, Long.MAX_VALUE));
        Optional<Long> facilityId = Optional.ofNullable(facility).filter(f -> !f.isEmpty())
                .map(f -> QueryParameters.longValue("facility", f, 1, Long.MAX_VALUE));
        int max = QueryParameters.limit(limit);
        Optional<ListPosition> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 2).map(key -> {
            if (!key.get(1).matches("0x[0-9a-f]{64}")) {
                throw QueryParameters.badCursor(cursor);
            }
            try {
                return new ListPosition(Long.parseLong(key.get(0)), key.get(1));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        });
        List<PgClaimAuditBundles.ClaimRow> rows = audits.list(deviceId, lotId, facilityId, after, max + 1);
        Page<PgClaimAuditBundles.ClaimRow> page = Page.of(rows, max, last -> {
            ListPosition p = ListPosition.of(last);
            return QueryParameters.encodeCursor(CURSOR_KIND, p.createdMicros(), p.claimId());
        });
        Map<String, PgClaimProofStatuses.ProofStatus> statuses = proofs.of(page.items().stream()
                .map(PgClaimAuditBundles.ClaimRow::claimId).toList());
        return new Page<>(page.items().stream().map(r -> ClaimView.of(r, Optional.ofNullable(statuses.get(r.claimId())))).toList(),
                page.nextCursor());
    }

    @GET
    @Blocking
    @Path("/{claimId}/audit")
    @Operation(summary = "Audit an anchored run or emissions claim (regulator, operator): every reading's signature re-verified"
            + " from the retained raw message, leaves and claim root recomputed, the inputs checked against the signed records"
            + " and the chain's AnchorRegistry claim, completeness against the stored readings of the window (left out:"
            + " MISSING_FROM_CLAIM, stored after the settlement: LATE_READING); findings by reading key. 404 CLAIM_NOT_FOUND,"
            + " 409 CLAIM_NOT_ANCHORED, 503 CHAIN_UNAVAILABLE")
    public ClaimAuditView audit(@Context SecurityContext security, @PathParam("claimId") String claimId) {
        access.requirePlatformRead(security);
        return ClaimAuditView.of(audits.audit(claimId(claimId)));
    }

    @GET
    @Blocking
    @Path("/{claimId}/audit-bundle")
    @Operation(summary = "The audit bundle of an anchored run or emissions claim (regulator, operator) for the offline"
            + " audit-claim (docs/bundles.md). 404 CLAIM_NOT_FOUND, 409 CLAIM_NOT_ANCHORED")
    public Response bundle(@Context SecurityContext security, @PathParam("claimId") String claimId) {
        access.requirePlatformRead(security);
        String id = claimId(claimId);
        return Response.ok(audits.bundle(id).toJson(), MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"audit-claim-" + id + ".json\"").build();
    }

    private static String claimId(String value) {
        if (value == null || !value.matches("0x[0-9a-fA-F]{64}")) {
            throw QueryParameters.invalid("claimId", value, "a claim id, 0x + 64 hex digits");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
