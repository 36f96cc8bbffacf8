package io.sensorproof.oracle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.BundleException;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ClaimAudit} on claim audit bundles of real signed messages ({@link ClaimAuditBundles}): a clean claim has
 * no finding with and without a chain; a stored reading of the window left out of the tree is MISSING_FROM_CLAIM
 * when stored by the settlement and LATE_READING when stored after; a stored reading altered after anchoring is
 * named by its key; the chain's claim, the claim id and the inputs are compared field by field; the bundle reads
 * back what it wrote and refuses a bad field by its path.
 */
class ClaimAuditTest {
    private static ClaimAuditReport audit(ClaimAuditBundle bundle) {
        FakeAnchoredClaims chain = new FakeAnchoredClaims();
        chain.anchor(bundle.claim().circuit(), bundle.claim().id(), ClaimAuditBundles.onChain(bundle));
        return ClaimAudit.audit(bundle, Optional.of(chain));
    }

    @Test
    void aCleanClaimHasNoFindingWithAndWithoutTheChain() {
        ClaimAuditBundle bundle = ClaimAuditBundles.clean();
        ClaimAuditReport report = audit(bundle);
        assertThat(report.report().findings()).isEmpty();
        assertThat(report.report().readingsChecked()).isEqualTo(5);
        assertThat(report.chain()).contains(new BatchAuditReport.ChainConsulted(31337, ClaimAuditBundles.REGISTRY));
        ClaimAuditReport offline = ClaimAudit.audit(bundle, Optional.empty());
        assertThat(offline.report().findings()).isEmpty();
        assertThat(offline.chain()).isEmpty();
    }

    @Test
    void aStoredReadingOfTheWindowLeftOutOfTheTreeIsMissingFromClaimByItsKey() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ReadingKey left = new ReadingKey("room-a", 1, 99, 0);
        ClaimAuditBundle bundle = ClaimAuditBundles.withWindowReading(clean, new ClaimAuditBundle.WindowReading(left,
                clean.windowFrom() + 30_000, 28_515, ClaimAuditBundles.SETTLED));
        ClaimAuditReport report = audit(bundle);
        assertThat(report.report().findings()).extracting(AuditFinding::kind).containsExactly(Kind.MISSING_FROM_CLAIM);
        assertThat(report.report().about(left)).hasSize(1);
    }

    @Test
    void aReadingStoredAfterTheSettlementIsLateNotMissing() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ReadingKey late = new ReadingKey("room-a", 1, 99, 0);
        ClaimAuditReport report = audit(ClaimAuditBundles.withWindowReading(clean, new ClaimAuditBundle.WindowReading(late,
                clean.windowFrom() + 30_000, 28_515, ClaimAuditBundles.SETTLED + 1)));
        assertThat(report.report().findings()).extracting(AuditFinding::kind).containsExactly(Kind.LATE_READING);
        assertThat(report.report().about(late)).hasSize(1);
    }

    @Test
    void aStoredReadingOutsideTheWindowIsNoFinding() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ClaimAuditReport report = audit(ClaimAuditBundles.withWindowReading(clean, new ClaimAuditBundle.WindowReading(
                new ReadingKey("room-a", 1, 99, 0), clean.windowTo() + 1, 28_515, ClaimAuditBundles.SETTLED)));
        assertThat(report.clean()).isTrue();
    }

    @Test
    void aStoredReadingAlteredAfterAnchoringIsNamedByItsKey() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        List<ClaimAuditBundle.Member> members = new ArrayList<>(clean.members());
        ClaimAuditBundle.Member m = members.get(2);
        AuditBundle.Stored s = m.stored().orElseThrow();
        members.set(2, new ClaimAuditBundle.Member(m.key(), Optional.of(new AuditBundle.Stored(s.quantity(), s.time(),
                s.value() - 1000))));
        ClaimAuditReport report = audit(new ClaimAuditBundle(clean.chainId(), clean.anchorRegistry(), clean.claim(), members,
                clean.windowReadings(), clean.messages(), clean.devices()));
        assertThat(report.report().findings()).extracting(AuditFinding::kind).containsExactly(Kind.ALTERED_AFTER_ANCHOR);
        assertThat(report.report().about(m.key())).hasSize(1);
    }

    @Test
    void aClaimTheChainDoesNotHoldOrHoldsWithAnotherRootIsAChainFinding() {
        ClaimAuditBundle bundle = ClaimAuditBundles.clean();
        FakeAnchoredClaims empty = new FakeAnchoredClaims();
        assertThat(ClaimAudit.audit(bundle, Optional.of(empty)).report().findings()).extracting(AuditFinding::kind)
                .containsExactly(Kind.CHAIN_CLAIM_MISSING);

        FakeAnchoredClaims other = new FakeAnchoredClaims();
        List<BigInteger> inputs = new ArrayList<>(bundle.claim().publicInputs());
        inputs.set(0, inputs.get(0).add(BigInteger.ONE));
        other.anchor(bundle.claim().circuit(), bundle.claim().id(), new ChainClaim(inputs, 1));
        ClaimAuditReport report = ClaimAudit.audit(bundle, Optional.of(other));
        assertThat(report.report().findings()).extracting(AuditFinding::kind).containsExactlyInAnyOrder(Kind.CHAIN_MISMATCH,
                Kind.ROOT_MISMATCH);
        assertThat(report.report().of(Kind.CHAIN_MISMATCH).get(0).detail()).startsWith("claim.publicInputs.root");
    }

    @Test
    void recordedInputsThatAreNotTheSignedRecordsOrNotTheIdAreClaimMismatches() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ClaimAuditBundle.Claim c = clean.claim();
        List<BigInteger> inputs = new ArrayList<>(c.publicInputs());
        inputs.set(7, BigInteger.valueOf(4));
        ClaimAuditBundle.Claim miscounted = new ClaimAuditBundle.Claim(c.id(), c.circuit(), c.deviceId(), c.quantity(), inputs,
                c.settledBy(), c.settledArrival(), c.anchorTransaction(), c.anchorBlock());
        ClaimAuditReport report = ClaimAudit.audit(new ClaimAuditBundle(clean.chainId(), clean.anchorRegistry(), miscounted,
                clean.members(), clean.windowReadings(), clean.messages(), clean.devices()), Optional.empty());
        assertThat(report.report().of(Kind.CLAIM_MISMATCH)).extracting(AuditFinding::detail)
                .anySatisfy(d -> assertThat(d).startsWith("claim.id"))
                .anySatisfy(d -> assertThat(d).startsWith("claim.publicInputs.count"));
    }

    @Test
    void aClaimWithNoStoredKeysIsACountMismatchNotACrash() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ClaimAuditReport report = ClaimAudit.audit(new ClaimAuditBundle(clean.chainId(), clean.anchorRegistry(), clean.claim(),
                List.of(), clean.windowReadings(), clean.messages(), clean.devices()), Optional.empty());
        assertThat(report.report().of(Kind.CLAIM_MISMATCH)).extracting(AuditFinding::detail)
                .anySatisfy(d -> assertThat(d).startsWith("claim.publicInputs.count"));
        assertThat(report.report().of(Kind.MISSING_FROM_CLAIM)).hasSize(5);
    }

    @Test
    void aFlippedByteOfARetainedMessageIsABadSignatureOfItsReading() {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        List<AuditBundle.Message> messages = new ArrayList<>(clean.messages());
        AuditBundle.Message m = messages.get(1);
        byte[] raw = m.cose();
        raw[raw.length - 1] ^= 1;
        messages.set(1, new AuditBundle.Message(m.deviceId(), m.boot(), m.seq(), raw));
        ClaimAuditReport report = audit(new ClaimAuditBundle(clean.chainId(), clean.anchorRegistry(), clean.claim(),
                clean.members(), clean.windowReadings(), messages, clean.devices()));
        assertThat(report.report().findings()).extracting(AuditFinding::kind).containsExactlyInAnyOrder(Kind.BAD_SIGNATURE,
                Kind.ROOT_MISMATCH);
        assertThat(report.report().about(new ReadingKey("room-a", 1, 11, 0))).hasSize(1);
    }

    @Test
    void theBundleReadsBackWhatItWroteAndRefusesABadFieldByItsPath() {
        ClaimAuditBundle bundle = ClaimAuditBundles.clean();
        String json = bundle.toJson();
        ClaimAuditBundle read = ClaimAuditBundle.parse(json);
        assertThat(read.toJson()).isEqualTo(json);
        assertThat(audit(read).clean()).isTrue();
        assertThatThrownBy(() -> ClaimAuditBundle.parse(json.replace("\"basis\" : \"SEQUENCE\"", "\"basis\" : \"SOON\"")))
                .isInstanceOf(BundleException.class).extracting("field").isEqualTo("claim.settlement.basis");
        assertThatThrownBy(() -> ClaimAuditBundle.parse(json.replace("\"circuit\" : \"excursion\"", "\"circuit\" : \"x\"")))
                .isInstanceOf(BundleException.class).extracting("field").isEqualTo("claim.circuit");
        assertThatThrownBy(() -> ClaimAuditBundle.parse(json.replace("\"storedAt\"", "\"stored_at\"")))
                .isInstanceOf(BundleException.class).extracting("field").isEqualTo("windowReadings[0].storedAt");
    }
}
