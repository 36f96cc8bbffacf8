package io.sensorproof.gateway.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ids.Identifiers;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CarbonLinksTest {
    @Test
    void aLinkIsRefusedNamingTheFirstPeriodDeviceThatIsNotTheFacilitys() {
        Set<String> facility = Set.of("stack-1", "stack-2");

        assertThat(CarbonLinks.firstForeign(List.of(List.of("stack-1"), List.of("stack-2", "stack-1")), facility)).isEmpty();
        assertThat(CarbonLinks.firstForeign(List.of(), facility)).isEmpty();
        assertThat(CarbonLinks.firstForeign(List.of(List.of("stack-1"), List.of("stack-2", "stack-9")), facility))
                .contains(new CarbonLinks.Foreign(2, "stack-9"));
    }

    @Test
    void chainDeviceFieldsAreReadBackAsDeviceIds() {
        assertThat(CarbonLinks.deviceIds(List.of(Identifiers.deviceField("stack-1"), Identifiers.deviceField("a"))))
                .containsExactly("stack-1", "a");
    }
}
