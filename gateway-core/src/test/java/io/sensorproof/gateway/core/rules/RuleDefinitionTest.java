package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.HI;
import static io.sensorproof.gateway.core.rules.Fixtures.LO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RuleDefinitionTest {
    private static final Duration TEN = Duration.ofMinutes(10);
    private static final Duration THREE = Duration.ofMinutes(3);

    private static void refused(Code code, ThrowingCallable definition) {
        assertThatThrownBy(definition).isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void invalidThresholdRulesAreRefusedWithTheirCodes() {
        refused(Code.LO_ABOVE_HI, () -> new ThresholdRule("r", Quantity.TEMPERATURE, HI, LO, TEN, 0, THREE));
        refused(Code.UNKNOWN_QUANTITY, () -> new ThresholdRule("r", null, LO, HI, TEN, 0, THREE));
        refused(Code.UNKNOWN_QUANTITY, () -> Rule.quantityNamed("pressure"));
        refused(Code.NEGATIVE_DURATION, () -> new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, Duration.ofMillis(-1), 0, THREE));
        refused(Code.NEGATIVE_DURATION, () -> new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, TEN, 0, Duration.ofMillis(-1)));
        refused(Code.ZERO_DURATION, () -> new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, TEN, 0, Duration.ZERO));
        refused(Code.BAD_HYSTERESIS, () -> new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, TEN, -1, THREE));
        refused(Code.BAD_HYSTERESIS, () -> new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, TEN, (HI - LO) / 2 + 1, THREE));
        refused(Code.VALUE_OUT_OF_BOUNDS, () -> new ThresholdRule("r", Quantity.TEMPERATURE, -1, HI, TEN, 0, THREE));
        refused(Code.BAD_RULE_ID, () -> new ThresholdRule("Bad Id", Quantity.TEMPERATURE, LO, HI, TEN, 0, THREE));
    }

    @Test
    void theEdgesOfValidThresholdRulesAreAccepted() {
        assertThat(new ThresholdRule("r", Quantity.TEMPERATURE, LO, LO, Duration.ZERO, 0, Duration.ofMillis(1)).lo()).isEqualTo(LO);
        assertThat(new ThresholdRule("r", Quantity.TEMPERATURE, LO, HI, TEN, (HI - LO) / 2, THREE).hysteresis()).isEqualTo(400);
        assertThat(Rule.quantityNamed("temperature")).isEqualTo(Quantity.TEMPERATURE);
    }

    @Test
    void invalidOtherRulesAreRefusedWithTheirCodes() {
        refused(Code.ZERO_DURATION, () -> new GapRule("g", Optional.empty(), Duration.ZERO));
        refused(Code.NEGATIVE_DURATION, () -> new GapRule("g", Optional.empty(), Duration.ofSeconds(-5)));
        refused(Code.BAD_COUNT, () -> new StuckRule("s", Quantity.TEMPERATURE, 1, TEN));
        refused(Code.UNKNOWN_QUANTITY, () -> new StuckRule("s", null, 3, TEN));
        refused(Code.BAD_LIMIT, () -> new RateOfChangeRule("c", Quantity.TEMPERATURE, 0, TEN));
        refused(Code.ZERO_DURATION, () -> new RateOfChangeRule("c", Quantity.TEMPERATURE, 10, Duration.ZERO));
        refused(Code.BAD_COUNT, () -> new TamperingRule("t", 0, TEN));
        refused(Code.NO_TAMPER_KINDS, () -> new TamperingRule("t", 1, TEN, Set.of()));
    }

    @Test
    void twoRulesOfADeviceWithOneIdAreRefused() {
        RuleEngine engine = new RuleEngine(EngineSettings.DEFAULTS);
        Rule a = new StuckRule("same", Quantity.TEMPERATURE, 3, TEN);
        Rule b = new GapRule("same", Optional.empty(), TEN);

        refused(Code.DUPLICATE_RULE_ID, () -> engine.setRules(DEVICE, List.of(a, b)));
        refused(Code.BAD_DEVICE_ID, () -> engine.setRules("Not A Device", List.of(a)));
        assertThat(engine.rules(DEVICE)).isEmpty();
    }
}
