package io.sensorproof.oracle.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchAudit} over audit bundles of real signed messages and an in-memory chain: clean with
 * and without the chain, and each difference reported (by reading key where it concerns one): a
 * stored value altered after anchoring, a byte of a raw message flipped, a message no longer
 * retained, another root, count or block on chain, no batch on chain, another registry or chain,
 * recorded times that are not the signed records'.
 */
class BatchAuditTest {
    private final AuditBundle bundle = AuditBundles.clean(7);
    private final FakeAnchoredBatches chain = new FakeAnchoredBatches();

    BatchAuditTest() {
        chain.batches.put(7L, AuditBundles.onChain(bundle));
    }

    @Test
    void aCleanBatchHasNoFindingWithTheChainAndWithout() {
        BatchAuditReport withChain = BatchAudit.audit(bundle, Optional.of(chain));
        assertThat(withChain.report().findings()).isEmpty();
        assertThat(withChain.report().readingsChecked()).isEqualTo(6);
        assertThat(withChain.chain()).contains(new BatchAuditReport.ChainConsulted(31337, AuditBundles.REGISTRY));
        BatchAuditReport offline = BatchAudit.audit(bundle, Optional.empty());
        assertThat(offline.report().findings()).isEmpty();
        assertThat(offline.chain()).isEmpty();
    }

    @Test
    void aStoredValueAlteredAfterAnchoringIsReportedByItsReadingKey() {
        AuditBundle.Member m = bundle.members().get(3);
        AuditBundle.Stored s = m.stored().orElseThrow();
        AuditBundle altered = withMember(3, new AuditBundle.Member(m.key(), m.leaf(),
                Optional.of(new AuditBundle.Stored(s.quantity(), s.time(), s.value() - 100))));
        BatchAuditReport report = BatchAudit.audit(altered, Optional.of(chain));
        assertThat(report.report().findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.ALTERED_AFTER_ANCHOR);
            assertThat(f.key()).contains(m.key());
            assertThat(f.detail()).contains("value " + (s.value() - 100)).contains("value " + s.value());
        });
    }

    @Test
    void aByteFlippedInARetainedMessageIsASignatureFindingForEachOfItsReadings() {
        AuditBundle.Message original = bundle.messages().get(1);
        byte[] cose = original.cose();
        cose[cose.length - 1] ^= 0x01;
        List<AuditBundle.Message> messages = new ArrayList<>(bundle.messages());
        messages.set(1, new AuditBundle.Message(original.deviceId(), original.boot(), original.seq(), cose));
        AuditBundle tampered = new AuditBundle(bundle.chainId(), bundle.anchorRegistry(), bundle.batch(), bundle.members(),
                messages, bundle.devices());
        BatchAuditReport report = BatchAudit.audit(tampered, Optional.of(chain));
        assertThat(report.report().of(Kind.BAD_SIGNATURE)).extracting(f -> f.key().orElseThrow()).containsExactly(
                new ReadingKey("room-b", 2, 5, 0), new ReadingKey("room-b", 2, 5, 1));
        assertThat(report.report().of(Kind.ROOT_MISMATCH)).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("cannot be recomputed"));
    }

    @Test
    void aMessageNoLongerRetainedIsReportedForItsReadings() {
        List<AuditBundle.Message> messages = new ArrayList<>(bundle.messages());
        messages.remove(0);
        AuditBundle missing = new AuditBundle(bundle.chainId(), bundle.anchorRegistry(), bundle.batch(), bundle.members(),
                messages, bundle.devices());
        assertThat(BatchAudit.audit(missing, Optional.empty()).report().of(Kind.MISSING_RAW_MESSAGE))
                .extracting(f -> f.key().orElseThrow()).containsExactly(new ReadingKey("room-a", 1, 0, 0),
                        new ReadingKey("room-a", 1, 0, 1));
    }

    @Test
    void anotherRootOnChainIsARootAndAChainFinding() {
        ChainBatch recorded = chain.batches.get(7L);
        chain.batches.put(7L, new ChainBatch(recorded.root().add(BigInteger.ONE), recorded.readingCount(), recorded.firstTime(),
                recorded.lastTime(), recorded.anchoredAt(), recorded.blockNumber()));
        BatchAuditReport report = BatchAudit.audit(bundle, Optional.of(chain));
        assertThat(report.report().findings()).extracting(AuditFinding::kind)
                .containsExactlyInAnyOrder(Kind.CHAIN_MISMATCH, Kind.ROOT_MISMATCH);
        assertThat(report.report().of(Kind.CHAIN_MISMATCH).get(0).detail()).startsWith("batch.root");
        assertThat(BatchAudit.audit(bundle, Optional.empty()).clean()).as("offline, the recorded root is the signed one").isTrue();
    }

    @Test
    void anotherCountOrBlockOnChainIsAChainFindingNamingTheField() {
        ChainBatch r = chain.batches.get(7L);
        chain.batches.put(7L, new ChainBatch(r.root(), r.readingCount() + 1, r.firstTime(), r.lastTime(), r.anchoredAt(),
                r.blockNumber() + 1));
        assertThat(BatchAudit.audit(bundle, Optional.of(chain)).report().of(Kind.CHAIN_MISMATCH))
                .extracting(f -> f.detail().substring(0, f.detail().indexOf(':')))
                .containsExactly("batch.readingCount", "batch.anchor.block");
    }

    @Test
    void noBatchOnChainOrAnotherRegistryOrChainIsReported() {
        chain.batches.clear();
        assertThat(BatchAudit.audit(bundle, Optional.of(chain)).report().of(Kind.CHAIN_BATCH_MISSING)).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("not anchored there either"));
        chain.batches.put(9L, AuditBundles.onChain(bundle));
        assertThat(BatchAudit.audit(bundle, Optional.of(chain)).report().of(Kind.CHAIN_BATCH_MISSING)).singleElement()
                .satisfies(f -> assertThat(f.detail()).contains("under batch 9"));

        chain.batches.put(7L, AuditBundles.onChain(bundle));
        chain.registry = "0x" + "ef".repeat(20);
        chain.chainId = 1;
        assertThat(BatchAudit.audit(bundle, Optional.of(chain)).report().of(Kind.CHAIN_MISMATCH))
                .extracting(f -> f.detail().substring(0, f.detail().indexOf(':')))
                .containsExactly("chain.chainId", "chain.anchorRegistry");
    }

    @Test
    void recordedTimesThatAreNotTheSignedRecordsAreReported() {
        AuditBundle.Batch b = bundle.batch();
        AuditBundle shifted = new AuditBundle(bundle.chainId(), bundle.anchorRegistry(), new AuditBundle.Batch(b.id(), b.root(),
                b.readingCount(), b.firstTime() - 1, b.lastTime(), b.sealedAt(), b.anchorTransaction(), b.anchorBlock()),
                bundle.members(), bundle.messages(), bundle.devices());
        assertThat(BatchAudit.audit(shifted, Optional.empty()).report().findings()).extracting(AuditFinding::kind)
                .containsExactly(Kind.BATCH_TIMES_MISMATCH);
    }

    private AuditBundle withMember(int slot, AuditBundle.Member member) {
        List<AuditBundle.Member> members = new ArrayList<>(bundle.members());
        members.set(slot, member);
        return new AuditBundle(bundle.chainId(), bundle.anchorRegistry(), bundle.batch(), members, bundle.messages(),
                bundle.devices());
    }
}
