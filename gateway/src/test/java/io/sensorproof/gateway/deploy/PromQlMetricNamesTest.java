package io.sensorproof.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {
    @Test
    void findsMetricsButNotFunctionsKeywordsLabelsOrDurations() {
        assertThat(PromQlMetricNames.of("""
                sum by (instance, transport) (rate(sensorproof_ingest_rejected_total{job="x",reason=~"BAD_.*"}[10m] offset 1h))
                / on(instance) group_left(version) sum(rate(sensorproof_ingest_received_total[$__rate_interval])) > 0.05
                and histogram_quantile(0.99, sum by (le) (rate(sensorproof_ingest_latency_seconds_bucket{outcome="stored"}[5m]))) > 1e-3
                unless up{job="sensorproof-gateway"} == bool 0"""))
                .containsExactly("sensorproof_ingest_latency_seconds_bucket", "sensorproof_ingest_received_total",
                        "sensorproof_ingest_rejected_total", "up");
    }

    @Test
    void aMetricNamedInsideALabelValueIsNotSelected() {
        assertThat(PromQlMetricNames.of("max(jvm_gc_overhead{instance=\"sensorproof_fake_total\"})")).containsExactly("jvm_gc_overhead");
    }

    @Test
    void refusesSelectorsByName() {
        assertThatThrownBy(() -> PromQlMetricNames.of("{__name__=~\"sensorproof_.*\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
