package io.sensorproof.gateway.batches;

import io.smallrye.common.annotation.Blocking;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.oracle.audit.AuditFinding;
import io.sensorproof.oracle.audit.BatchAuditReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The regulator's audit of an anchored commitment batch (issue 15, ADR 027), for regulator and
 * operator keys ({@link Access#requirePlatformRead}): the audit run here ({@link BatchAudits}) and the
 * audit bundle to run it offline with {@code audit-batch} (docs/bundles.md). The resource parses,
 * authorises and renders; the audit is the oracle's framework-free {@code BatchAudit}.
 */
@Path("/api/v1/batches/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class BatchAuditResource {
    private final BatchAudits audits;
    private final Access access;

    BatchAuditResource(BatchAudits audits, Access access) {
        this.audits = audits;
        this.access = access;
    }

    /**
     * A reading a finding concerns.
     *
     * @param device device id
     * @param boot boot
     * @param seq seq
     * @param recordIndex record index
     */
    public record ReadingView(String device, long boot, long seq, int recordIndex) {
    }

    /**
     * One difference.
     *
     * @param kind stable kind (AuditFinding.Kind)
     * @param reading the reading concerned; null for the batch as a whole
     * @param readingKey {@code device/boot/seq/recordIndex}; null for the batch as a whole
     * @param detail what was expected and what was found
     */
    public record FindingView(String kind, ReadingView reading, String readingKey, String detail) {
        /** The view of {@code f} (also the claim audit's). */
        public static FindingView of(AuditFinding f) {
            return new FindingView(f.kind().name(), f.key().map(k -> new ReadingView(k.deviceId(), k.boot(), k.seq(),
                    k.recordIndex())).orElse(null), f.key().map(Object::toString).orElse(null), f.detail());
        }
    }

    /**
     * The chain the audit read.
     *
     * @param chainId its id
     * @param registry the AnchorRegistry read
     */
    public record ChainView(long chainId, String registry) {
    }

    /**
     * An audit report.
     *
     * @param batchId the batch
     * @param clean true when nothing differs
     * @param readingsChecked members re-checked from their signed messages
     * @param chain the chain compared with; null when none is configured (compared with the recorded root)
     * @param findings every difference, by reading key where it concerns one
     */
    public record AuditView(long batchId, boolean clean, int readingsChecked, ChainView chain, List<FindingView> findings) {
        static AuditView of(BatchAuditReport r) {
            return new AuditView(r.batchId(), r.clean(), r.report().readingsChecked(),
                    r.chain().map(c -> new ChainView(c.chainId(), c.registry())).orElse(null),
                    r.report().findings().stream().map(FindingView::of).toList());
        }
    }

    @GET
    @Blocking
    @Path("/audit")
    @Operation(summary = "Audit an anchored commitment batch (regulator, operator): every member's signature re-verified from"
            + " the retained raw message, leaves and root recomputed and compared with the recorded ones, the stored readings"
            + " and the chain's AnchorRegistry.batch; findings by reading key. 404 BATCH_NOT_FOUND, 409 BATCH_NOT_ANCHORED,"
            + " 503 CHAIN_UNAVAILABLE")
    public AuditView audit(@Context SecurityContext security, @PathParam("id") String id) {
        access.requirePlatformRead(security);
        return AuditView.of(audits.audit(batchId(id)));
    }

    @GET
    @Blocking
    @Path("/audit-bundle")
    @Operation(summary = "The audit bundle of an anchored commitment batch (regulator, operator) for the offline audit-batch"
            + " (docs/bundles.md). 404 BATCH_NOT_FOUND, 409 BATCH_NOT_ANCHORED")
    public Response bundle(@Context SecurityContext security, @PathParam("id") String id) {
        access.requirePlatformRead(security);
        long batchId = batchId(id);
        return Response.ok(audits.bundle(batchId).toJson(), MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"audit-batch-" + batchId + ".json\"").build();
    }

    private static long batchId(String id) {
        return QueryParameters.longValue("id", id, 0, Long.MAX_VALUE);
    }
}
