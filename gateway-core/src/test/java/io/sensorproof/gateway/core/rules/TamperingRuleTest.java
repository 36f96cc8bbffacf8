package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.engine;
import static io.sensorproof.gateway.core.rules.Fixtures.minute;
import static io.sensorproof.gateway.core.rules.Fixtures.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.ReasonCode;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TamperingRuleTest {
    private static final TamperingRule TWO_IN_AN_HOUR = new TamperingRule("tamper", 2, Duration.ofHours(1));

    private static TamperEvidence evidence(TamperKind kind, double minute) {
        return new TamperEvidence(DEVICE, kind, minute(minute), "1/" + (long) minute);
    }

    @Test
    void onlyConflictingDuplicatesAndRevokedKeysAreTamperEvidence() {
        assertThat(ReasonCode.all()).allSatisfy(code -> {
            if (code.name().equals("CONFLICTING_DUPLICATE")) {
                assertThat(TamperKind.forRefusalCode(code.name())).contains(TamperKind.CONFLICTING_DUPLICATE);
            } else if (code.name().equals("REVOKED_KEY")) {
                assertThat(TamperKind.forRefusalCode(code.name())).contains(TamperKind.REVOKED_KEY);
            } else {
                assertThat(TamperKind.forRefusalCode(code.name())).as(code.name()).isEmpty();
            }
        });
        assertThat(TamperKind.forRefusalCode("BAD_SIGNATURE")).isEmpty();
        assertThat(TamperKind.values()).containsExactly(TamperKind.CONFLICTING_DUPLICATE, TamperKind.REVOKED_KEY);
    }

    @Test
    void tamperingCountsOnlyTheKindsItsRuleNames() {
        RuleEngine engine = engine(new TamperingRule("dup", 2, Duration.ofHours(1), EnumSet.of(TamperKind.CONFLICTING_DUPLICATE)));

        EngineResult other = engine.onTamperEvidence(List.of(evidence(TamperKind.REVOKED_KEY, 0),
                evidence(TamperKind.REVOKED_KEY, 1), evidence(TamperKind.CONFLICTING_DUPLICATE, 2)));
        EngineResult second = engine.onTamperEvidence(List.of(evidence(TamperKind.CONFLICTING_DUPLICATE, 3)));

        assertThat(other.events()).isEmpty();
        assertThat(types(second)).containsExactly(AlertEventType.OPENED);
        assertThat(second.events().get(0).alert().tamperEvidence()).extracting(TamperEvidence::kind)
                .containsOnly(TamperKind.CONFLICTING_DUPLICATE);
    }

    @Test
    void evidenceReachingTheThresholdWithinTheWindowOpensOneAlertResolvedAfterAQuietWindow() {
        RuleEngine engine = engine(TWO_IN_AN_HOUR);
        assertThat(engine.onTamperEvidence(List.of(evidence(TamperKind.REVOKED_KEY, 0))).events()).isEmpty();
        assertThat(engine.onTamperEvidence(List.of(evidence(TamperKind.REVOKED_KEY, 61))).events())
                .as("61 minutes apart").isEmpty();

        EngineResult opened = engine.onTamperEvidence(List.of(evidence(TamperKind.CONFLICTING_DUPLICATE, 90)));
        EngineResult more = engine.onTamperEvidence(List.of(evidence(TamperKind.CONFLICTING_DUPLICATE, 100)));
        EngineResult stillOpen = engine.onTick(Instant.ofEpochMilli(minute(159)));
        EngineResult quiet = engine.onTick(Instant.ofEpochMilli(minute(160)));

        assertThat(types(opened)).containsExactly(AlertEventType.OPENED);
        assertThat(opened.events().get(0).alert().firstTime()).isEqualTo(minute(61));
        assertThat(types(more)).containsExactly(AlertEventType.UPDATED);
        assertThat(more.events().get(0).alert().evidenceCount()).isEqualTo(3);
        assertThat(stillOpen.events()).isEmpty();
        assertThat(types(quiet)).containsExactly(AlertEventType.RESOLVED);
        assertThat(quiet.events().get(0).alert().resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.EVIDENCE_QUIET);
        assertThat(engine.onTamperEvidence(List.of(evidence(TamperKind.REVOKED_KEY, 161))).events())
                .as("evidence of the resolved alert does not count again").isEmpty();
    }
}
