package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.IN;
import static io.sensorproof.gateway.core.rules.Fixtures.OUT;
import static io.sensorproof.gateway.core.rules.Fixtures.at;
import static io.sensorproof.gateway.core.rules.Fixtures.coldRoom;
import static io.sensorproof.gateway.core.rules.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {
    private final RuleEngine engine = engine(coldRoom());

    private List<AlertEvent> excursion(int minutes) {
        List<AlertEvent> events = new ArrayList<>();
        for (int m = 0; m <= minutes; m++) {
            events.addAll(engine.onReadings(DEVICE, List.of(at(m, OUT))).events());
        }
        return events;
    }

    @Test
    void anOpenAlertIsAcknowledgedOnceAndKeepsItsAcknowledgementThroughEngineUpdates() {
        Alert stored = excursion(10).get(0).alert();

        Alert acknowledged = stored.acknowledge("bank-1", 42);
        Alert updated = acknowledged.withEngineView(engine.onReadings(DEVICE, List.of(at(11, OUT))).events().get(0).alert());
        Alert resolved = updated.withEngineView(engine.onReadings(DEVICE, List.of(at(12, IN))).events().get(0).alert());

        assertThat(acknowledged.state()).isEqualTo(AlertState.ACKNOWLEDGED);
        assertThat(updated.state()).isEqualTo(AlertState.ACKNOWLEDGED);
        assertThat(updated.lastTime()).isEqualTo(Fixtures.minute(11));
        assertThat(updated.acknowledgement()).contains(new Acknowledgement("bank-1", 42));
        assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
        assertThat(resolved.acknowledgement()).contains(new Acknowledgement("bank-1", 42));
    }

    @Test
    void invalidTransitionsAreRefusedWithCodes() {
        Alert open = excursion(10).get(0).alert();
        Alert acknowledged = open.acknowledge("bank-1", 1);
        Alert resolved = open.withEngineView(engine.onReadings(DEVICE, List.of(at(11, IN))).events().get(0).alert());

        assertThatThrownBy(() -> acknowledged.acknowledge("bank-2", 2)).isInstanceOfSatisfying(RuleException.class,
                e -> assertThat(e.code()).isEqualTo(Code.ALERT_ALREADY_ACKNOWLEDGED));
        assertThatThrownBy(() -> resolved.acknowledge("bank-1", 3)).isInstanceOfSatisfying(RuleException.class,
                e -> assertThat(e.code()).isEqualTo(Code.ALERT_ALREADY_RESOLVED));
        Alert other = new Alert(new AlertId("x", DEVICE, "temperature", "1/1/0"), open.kind(), AlertState.OPEN, 0, 0,
                open.peak(), List.of(), 0, List.of(), 0, List.of(), Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> open.withEngineView(other)).isInstanceOfSatisfying(RuleException.class,
                e -> assertThat(e.code()).isEqualTo(Code.ALERT_ID_MISMATCH));
    }

    @Test
    void aRemovedRuleResolvesItsOpenAlerts() {
        excursion(10);

        EngineResult removed = engine.setRules(DEVICE, List.of(new StuckRule("stuck", Quantity.TEMPERATURE, 3,
                Duration.ofMinutes(1))));

        assertThat(removed.events()).extracting(AlertEvent::type).contains(AlertEventType.RESOLVED);
        assertThat(removed.events().stream().filter(e -> e.alert().kind() == AlertKind.THRESHOLD))
                .singleElement().satisfies(e -> assertThat(e.alert().resolution().orElseThrow().reason())
                        .isEqualTo(ResolutionReason.RULE_REMOVED));
        assertThat(removed.events().stream().filter(e -> e.alert().kind() == AlertKind.STUCK))
                .as("the new rule is evaluated on the readings still in the window").isNotEmpty();
    }
}
