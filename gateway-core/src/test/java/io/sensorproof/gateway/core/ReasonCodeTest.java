package io.sensorproof.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ack.Rejection;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReasonCodeTest {

    @Test
    void namespaceHoldsEveryProtocolAndGatewayCodeExactlyOnce() {
        Set<String> protocol = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
        Set<String> gateway = Arrays.stream(GatewayReason.values()).map(Enum::name).collect(Collectors.toSet());

        assertThat(protocol).doesNotContainAnyElementsOf(gateway);
        assertThat(ReasonCode.all()).extracting(ReasonCode::name)
                .doesNotHaveDuplicates()
                .hasSize(protocol.size() + gateway.size())
                .containsAll(protocol)
                .containsAll(gateway);
    }

    @Test
    void everyCodeFitsTheGrammarOfSignedRejections() {
        assertThat(ReasonCode.all()).allSatisfy(c -> assertThat(c.name()).matches(Rejection.CODE));
    }

    @Test
    void onlyCodesFoundAfterTheSignatureVerifiedSendSignedRejections() {
        assertThat(ReasonCode.all()).filteredOn(ReasonCode::signedRejection).extracting(ReasonCode::name)
                .containsExactlyInAnyOrder("INVALID_VALUE", "CONFLICTING_DUPLICATE", "FUTURE_TIMESTAMP", "DUPLICATE_READING_TIME",
                        "REGISTER_DECREASED");
        for (ErrorCode preSignature : new ErrorCode[] {ErrorCode.OVERSIZED, ErrorCode.MALFORMED_CBOR, ErrorCode.UNKNOWN_KEY,
                ErrorCode.ALG_MISMATCH, ErrorCode.BAD_SIGNATURE, ErrorCode.INVALID_IDENTIFIER}) {
            assertThat(ReasonCode.of(preSignature).signedRejection()).as(preSignature.name()).isFalse();
        }
        for (GatewayReason preSignature : new GatewayReason[] {GatewayReason.TOPIC_MISMATCH, GatewayReason.BN_MISMATCH,
                GatewayReason.DEVICE_INACTIVE, GatewayReason.PEER_MISMATCH, GatewayReason.INTERNAL_ERROR}) {
            assertThat(ReasonCode.of(preSignature).signedRejection()).as(preSignature.name()).isFalse();
        }
    }

    @Test
    void codesAreFoundByNameAndCarryASummary() {
        assertThat(ReasonCode.byName("CONFLICTING_DUPLICATE")).contains(ReasonCode.of(GatewayReason.CONFLICTING_DUPLICATE));
        assertThat(ReasonCode.byName("BAD_SIGNATURE")).contains(ReasonCode.of(ErrorCode.BAD_SIGNATURE));
        assertThat(ReasonCode.byName("NO_SUCH_CODE")).isEmpty();
        assertThat(ReasonCode.all()).allSatisfy(c -> assertThat(c.summary()).isNotBlank());
    }

    @Test
    void refusesCodesOutsideTheGrammar() {
        assertThatThrownBy(() -> new ReasonCode("lower_case", false, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metricsHaveARejectionCounterForEveryCodeFromTheStart() {
        IngestMetrics metrics = new IngestMetrics();

        assertThat(metrics.rejectedByReason().keySet()).containsExactlyElementsOf(ReasonCode.all().stream().map(ReasonCode::name).toList());
        assertThat(metrics.snapshot()).containsKeys("rejected.OVERSIZED", "rejected.CONFLICTING_DUPLICATE", "stored.messages",
                "stored.readings", "duplicates", "conflicts", "quarantine.over_quota").allSatisfy((k, v) -> assertThat(v).isZero());
        assertThatThrownBy(() -> metrics.count("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
