package io.sensorproof.gateway.batches;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.oracle.batches.BatchNodes;
import io.sensorproof.oracle.batches.BatchReading;
import io.sensorproof.oracle.batches.ReadingKey;
import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.merkle.InclusionProof;
import io.sensorproof.zk.poseidon.Poseidon;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The inclusion proof of one stored reading in its commitment batch (protocol §7.5): the leaf's six
 * Poseidon inputs, the leaf, its slot, the 16 siblings and the root, with the batch and, once anchored,
 * the anchor transaction and contract; anyone can recompute the root from these and compare it with
 * {@code AnchorRegistry.batch(batchId)}. Readable by whoever may read the device ({@link Access}).
 *
 * <p>A reading that no batch holds yet is answered 200 with {@code state} {@code PENDING} and no proof
 * (a reading is batched within the batch window, so "not yet" is a normal state of an existing
 * resource, not an error); {@code SEALED} has the proof and no anchor; {@code ANCHORED} both. Field
 * elements are {@code 0x} and 64 hex digits, as in ZoKrates' proof files. Before answering, the leaf is
 * recomputed from the stored reading and the path checked against the stored root; a stored reading
 * that no longer leads to its batch's root is refused with 500 {@value #MISMATCH}.
 */
@Path("/api/v1/devices/{deviceId}/readings/{boot}/{seq}/{recordIndex}/inclusion-proof")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "data")
public class InclusionProofResource {
    /** 404 code for a reading that is not stored. */
    public static final String READING_NOT_FOUND = "READING_NOT_FOUND";
    /** 500 code for a stored reading whose path does not lead to its batch's stored root. */
    public static final String MISMATCH = "INCLUSION_PROOF_MISMATCH";
    private static final long MAX_U32 = 0xffff_ffffL;

    private final Pool pool;
    private final Access access;

    InclusionProofResource(Pool pool, Access access) {
        this.pool = pool;
        this.access = access;
    }

    /**
     * The batch holding a reading.
     *
     * @param id batch id (also on chain)
     * @param size readings in it
     * @param firstTime earliest reading time in it
     * @param lastTime latest reading time in it
     * @param windowStart earliest receipt of its readings
     * @param sealedAt when it was sealed
     */
    public record BatchView(long id, int size, Instant firstTime, Instant lastTime, Instant windowStart, Instant sealedAt) {
    }

    /**
     * Where the batch's root was anchored.
     *
     * @param transactionHash the {@code anchorBatch} transaction
     * @param blockNumber its block
     * @param contract the AnchorRegistry
     * @param anchoredAt when the gateway recorded the receipt
     */
    public record AnchorView(String transactionHash, long blockNumber, String contract, Instant anchoredAt) {
    }

    /**
     * A reading's inclusion proof.
     *
     * @param state PENDING (in no batch yet), SEALED or ANCHORED
     * @param device device id
     * @param boot boot
     * @param seq seq
     * @param recordIndex record index
     * @param leafInputs the six Poseidon inputs of the leaf (tag, device, boot·2³²+seq, index·2⁸+quantity, time ms, value)
     * @param leaf the leaf hash; null while PENDING
     * @param leafIndex the slot; null while PENDING
     * @param siblings the 16 siblings from the leaf's up; empty while PENDING
     * @param root the batch root; null while PENDING
     * @param batch the batch; null while PENDING
     * @param anchor the anchor; null unless ANCHORED
     */
    public record InclusionProofView(String state, String device, long boot, long seq, int recordIndex, List<String> leafInputs,
            String leaf, Integer leafIndex, List<String> siblings, String root, BatchView batch, AnchorView anchor) {
    }

    @GET
    @Operation(summary = "Inclusion proof of a stored reading in its commitment batch (protocol §7.5), with the anchor once anchored")
    public Uni<InclusionProofView> get(@Context SecurityContext security, @PathParam("deviceId") String deviceId,
            @PathParam("boot") String boot, @PathParam("seq") String seq, @PathParam("recordIndex") String recordIndex) {
        return access.requireDeviceRead(security, deviceId).chain(caller -> get(deviceId, boot, seq, recordIndex));
    }

    private Uni<InclusionProofView> get(String deviceId, String boot, String seq, String recordIndex) {
        Identifiers.requireValid(deviceId, "device id");
        long b = QueryParameters.longValue("boot", boot, 0, MAX_U32);
        long s = QueryParameters.longValue("seq", seq, 0, MAX_U32);
        int r = (int) QueryParameters.longValue("recordIndex", recordIndex, 0, 255);
        String sql = "SELECT rd.quantity, rd.value, rd.reading_time, rd.received_at, m.batch_id, m.leaf_index,"
                + " cb.size, cb.root::text AS root, cb.first_time, cb.last_time, cb.window_start, cb.sealed_at, cb.nodes, cb.state,"
                + " cb.anchor_tx_hash, cb.anchor_block, cb.anchor_contract, cb.anchored_at, (rd.device_id IS NOT NULL) AS stored"
                + " FROM devices d"
                + " LEFT JOIN readings rd ON rd.device_id = d.device_id AND rd.boot = $2 AND rd.seq = $3 AND rd.record_index = $4"
                + " LEFT JOIN batch_members m ON m.device_id = rd.device_id AND m.boot = rd.boot AND m.seq = rd.seq"
                + " AND m.record_index = rd.record_index"
                + " LEFT JOIN commitment_batches cb ON cb.id = m.batch_id"
                + " WHERE d.device_id = $1";
        return pool.preparedQuery(sql).execute(Tuple.of(deviceId, b, s, (short) r)).map(rows -> {
            if (rows.size() == 0) {
                throw Access.deviceNotFound(deviceId);
            }
            Row row = rows.iterator().next();
            if (!row.getBoolean("stored")) {
                throw ApiException.notFound(READING_NOT_FOUND, "device '" + deviceId + "' has no reading " + b + "/" + s + "/" + r,
                        Map.of("device", deviceId, "boot", b, "seq", s, "recordIndex", r));
            }
            return view(new ReadingKey(deviceId, b, s, r), row);
        });
    }

    private static InclusionProofView view(ReadingKey key, Row row) {
        BatchReading reading = new BatchReading(key, row.getInteger("quantity"),
                row.getOffsetDateTime("reading_time").toInstant().toEpochMilli(), row.getLong("value"),
                row.getOffsetDateTime("received_at").toInstant());
        LeafEncoding inputs = reading.leafInputs();
        List<String> inputHex = inputs.inputs().stream().map(InclusionProofResource::hex).toList();
        if (row.getLong("batch_id") == null) {
            return new InclusionProofView("PENDING", key.deviceId(), key.boot(), key.seq(), key.recordIndex(), inputHex,
                    null, null, List.of(), null, null, null);
        }
        long batchId = row.getLong("batch_id");
        int slot = row.getInteger("leaf_index");
        int size = row.getInteger("size");
        BigInteger root = new BigInteger(row.getString("root"));
        BatchNodes nodes = BatchNodes.fromBytes(size, row.getBuffer("nodes").getBytes());
        BigInteger leaf = Poseidon.hash(inputs.inputs());
        InclusionProof proof = nodes.proof(slot);
        if (!nodes.root().equals(root) || !nodes.leaf(slot).equals(leaf) || !proof.verify(leaf, root)) {
            throw new ApiException(500, MISMATCH, "reading " + key + " does not lead to the stored root of batch " + batchId,
                    Map.of("batch", batchId, "leafIndex", slot));
        }
        BatchView batch = new BatchView(batchId, size, instant(row, "first_time"), instant(row, "last_time"),
                instant(row, "window_start"), instant(row, "sealed_at"));
        String state = row.getString("state");
        AnchorView anchor = "ANCHORED".equals(state) ? new AnchorView(row.getString("anchor_tx_hash"), row.getLong("anchor_block"),
                row.getString("anchor_contract"), instant(row, "anchored_at")) : null;
        return new InclusionProofView(state, key.deviceId(), key.boot(), key.seq(), key.recordIndex(), inputHex, hex(leaf), slot,
                proof.siblings().stream().map(InclusionProofResource::hex).toList(), hex(root), batch, anchor);
    }

    private static Instant instant(Row row, String column) {
        return row.getOffsetDateTime(column).toInstant();
    }

    private static String hex(BigInteger value) {
        return String.format("0x%064x", value);
    }
}
