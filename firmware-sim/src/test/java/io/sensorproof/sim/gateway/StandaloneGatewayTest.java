package io.sensorproof.sim.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandaloneGatewayTest {
    @Test
    void progressNamesTheReadinessChecksThatAreDownWithTheirData() {
        String health = """
                {"status":"DOWN","checks":[{"name":"database","status":"UP"},
                 {"name":"prover","status":"DOWN","data":{"state":"STARTING","detail":"loading the circuits into 1 prover worker(s)"}}]}""";
        assertThat(StandaloneGateway.downChecks(health))
                .isEqualTo("prover {\"state\":\"STARTING\",\"detail\":\"loading the circuits into 1 prover worker(s)\"}");
    }

    @Test
    void progressSaysWhatIsLeftWhenEveryCheckIsUpOrTheAnswerIsNotJson() {
        assertThat(StandaloneGateway.downChecks("{\"status\":\"UP\",\"checks\":[{\"name\":\"database\",\"status\":\"UP\"}]}"))
                .isEqualTo("the operator key");
        assertThat(StandaloneGateway.downChecks("<html>")).isEqualTo("readiness");
    }
}
