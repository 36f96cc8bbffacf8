package io.sensorproof.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BenchSummary} judges each of issue 18's goals from the result files of one run, and never calls an absent one met. */
class BenchSummaryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private static String phase(String name, int pack, double ratio, double gateway, double readingsPerSecond) {
        return "{'phase':'" + name + "','packSize':" + pack + ",'messages':1000,'messagesSent':1000,'accepted':1000,'badAcks':0,'errors':0,"
                + "'rejected':[],'acceptedMessagesPerSecond':" + readingsPerSecond / pack + ",'acceptedReadingsPerSecond':" + readingsPerSecond
                + ",'cpuMicrosPerMessage':{'gateway':" + gateway + ",'postgres':200,'broker':20,'generator':80},"
                + "'es256VerifyMicrosDuringWindow':{'median':70},'gatewayCpuPerMessageOverEs256VerifyDuringWindow':" + ratio + "}";
    }

    private static JsonNode run(double pack1Ratio, double pack10Ratio, double pack10Readings, String udp) throws Exception {
        return json("{'machine':{'availableProcessors':2},'crypto':{'es256VerifyMicros':80}," + udp + "'phases':["
                + phase("pack1", 1, pack1Ratio, 100, 5000) + "," + phase("pack10", 10, pack10Ratio, 150, pack10Readings) + "]}");
    }

    private static final String NO_DROPS = "'udp':{'gatewaySocketDrops':0,'machineUdpDelta':{'RcvbufErrors':0,'InErrors':0}},";

    private static JsonNode store(long limit) throws Exception {
        return json("{'durability':'fsync=on synchronous_commit=on full_page_writes=on',"
                + "'durableInsertLimit':{'shape':'UNNEST','batchMessages':100,'workers':2,'readingsPerSecond':" + limit + "}}");
    }

    private static BenchSummary.Row row(List<BenchSummary.Row> rows, String goalStart) {
        return rows.stream().filter(r -> r.goal().startsWith(goalStart)).findFirst().orElseThrow();
    }

    @Test
    void theRatioGoalsUseTheVerifySampledDuringThePhaseAndTheirOwnTransportsTarget() throws Exception {
        List<BenchSummary.Row> rows = BenchSummary.evaluate(Optional.of(run(1.99, 2.01, 30_000, "")),
                Optional.of(run(1.5, 1.51, 30_000, NO_DROPS)), Optional.of(store(90_000)));

        assertThat(row(rows, "MQTT pack1: gateway CPU").met()).contains(true);
        assertThat(row(rows, "MQTT pack10: gateway CPU").met()).contains(false);
        assertThat(row(rows, "CoAP pack1: gateway CPU").met()).contains(true);
        assertThat(row(rows, "CoAP pack10: gateway CPU").met()).contains(false);
        assertThat(row(rows, "CoAP pack1: gateway CPU").measured()).isEqualTo("1.5×");
        assertThat(row(rows, "CoAP pack1: gateway CPU").detail()).startsWith("100 µs ÷ 70 µs (verify sampled during the phase)");
    }

    @Test
    void withoutASampledVerifyTheRatioMeasuredBeforeTheGatewayStartedIsUsedAndSaidSo() throws Exception {
        JsonNode old = json("{'crypto':{'es256VerifyMicros':80},'phases':[{'phase':'pack1','packSize':1,"
                + "'cpuMicrosPerMessage':{'gateway':120},'gatewayCpuPerMessageOverEs256Verify':1.5}]}");

        BenchSummary.Row r = row(BenchSummary.evaluate(Optional.empty(), Optional.of(old), Optional.empty()), "CoAP pack1: gateway CPU");

        assertThat(r.met()).contains(true);
        assertThat(r.detail()).contains("120 µs ÷ 80 µs (verify measured before the gateway started)");
    }

    @Test
    void theShareOfTheInsertLimitIsPack10ReadingsOverTheStoresBestCase() throws Exception {
        List<BenchSummary.Row> rows = BenchSummary.evaluate(Optional.of(run(1.8, 1.9, 54_000, "")),
                Optional.of(run(1.4, 1.6, 53_999, NO_DROPS)), Optional.of(store(90_000)));

        assertThat(row(rows, "MQTT pack10: readings/s").met()).contains(true);
        assertThat(row(rows, "MQTT pack10: readings/s").measured()).isEqualTo("60 %");
        assertThat(row(rows, "CoAP pack10: readings/s").met()).contains(false);
        assertThat(row(rows, "MQTT pack10: readings/s").detail()).contains("54,000 readings/s ÷ 90,000").contains("UNNEST, batches of 100");
    }

    @Test
    void aLimitMeasuredWithoutDurabilityIsNoLimit() throws Exception {
        JsonNode fast = json(store(200_000).toString().replace("fsync=on", "fsync=off"));

        BenchSummary.Row r = row(BenchSummary.evaluate(Optional.of(run(1.8, 1.9, 150_000, "")), Optional.empty(), Optional.of(fast)),
                "MQTT pack10: readings/s");

        assertThat(r.met()).isEmpty();
        assertThat(r.detail()).isEqualTo("the insert limit was measured without durability (fsync=off synchronous_commit=on full_page_writes=on)");
    }

    @Test
    void theCpuCeilingIsTheCoresOverTheCpuPerReadingOfEveryProcess() throws Exception {
        // pack 10: (150 + 200 + 20 + 80) µs per message = 45 µs per reading; 2 cores carry 2e6 / 45 = 44,444 readings/s
        List<BenchSummary.Row> rows = BenchSummary.evaluate(Optional.of(run(1.8, 1.9, 30_000, "")), Optional.empty(),
                Optional.of(store(88_889)));

        BenchSummary.Row ceiling = row(rows, "MQTT pack10: CPU ceiling");
        assertThat(ceiling.measured()).isEqualTo("44,444 readings/s, 50 % of the insert limit");
        assertThat(ceiling.verdict()).isEqualTo("(information)");
    }

    @Test
    void absentResultsAreNotMeasuredNeverMet() {
        List<BenchSummary.Row> rows = BenchSummary.evaluate(Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(rows).hasSize(11);
        assertThat(rows).allSatisfy(r -> assertThat(r.met()).isEmpty());
        assertThat(rows).filteredOn(r -> !r.target().isEmpty()).allSatisfy(r -> assertThat(r.verdict()).isEqualTo("not measured"));
    }

    @Test
    void aFileLeftByAnEarlierRunIsNotJudged(@TempDir Path dir) throws Exception {
        Instant start = Instant.parse("2026-12-07T13:00:00Z");
        Path earlier = Files.writeString(dir.resolve("coap-load.json"), run(1.4, 1.4, 30_000, NO_DROPS).toString());
        Files.setLastModifiedTime(earlier, FileTime.from(start.minusSeconds(1)));
        Path fresh = Files.writeString(dir.resolve("gateway-load.json"), run(1.4, 1.4, 30_000, "").toString());
        Files.setLastModifiedTime(fresh, FileTime.from(start.plusSeconds(1)));
        Map<String, Object> inputs = new LinkedHashMap<>();

        assertThat(BenchSummary.read(earlier.toString(), start, "coap", inputs)).isEmpty();
        assertThat(BenchSummary.read(fresh.toString(), start, "mqtt", inputs)).isPresent();
        assertThat(BenchSummary.read(dir.resolve("absent.json").toString(), start, "store", inputs)).isEmpty();
        assertThat((String) inputs.get("coap")).contains("ignored, written 2026-12-07T12:59:59Z before this run started");
        assertThat((String) inputs.get("store")).endsWith("absent, not measured");
    }

    @Test
    void badOptionsAreRefusedWithTheirNameNotAStackTrace() {
        assertThatThrownBy(() -> BenchSummary.options(new String[] {"--since", "yesterday"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--since must be an instant such as 2026-12-07T13:00:00Z, got 'yesterday'");
        assertThatThrownBy(() -> BenchSummary.options(new String[] {"--mqqt", "x.json"})).hasMessageEndingWith("got '--mqqt'");
        assertThatThrownBy(() -> BenchSummary.options(new String[] {"--out"})).hasMessageEndingWith("got '--out' without a value");
        assertThat(BenchSummary.options(new String[] {"--since", "2026-12-07T13:00:00Z"})).containsEntry("--since", "2026-12-07T13:00:00Z")
                .containsEntry("--mqtt", "target/gateway-load.json");
    }

    @Test
    void aDroppedDatagramOrAnUnacknowledgedMessageFailsItsGoal() throws Exception {
        JsonNode bufferFull = run(1.4, 1.4, 30_000, "'udp':{'gatewaySocketDrops':0,'machineUdpDelta':{'RcvbufErrors':3,'InErrors':0}},");
        JsonNode socketDrop = run(1.4, 1.4, 30_000, "'udp':{'gatewaySocketDrops':2,'machineUdpDelta':{'RcvbufErrors':0,'InErrors':0}},");
        JsonNode inError = run(1.4, 1.4, 30_000, "'udp':{'gatewaySocketDrops':0,'machineUdpDelta':{'RcvbufErrors':0,'InErrors':1}},");
        JsonNode short1 = json(run(1.4, 1.4, 30_000, NO_DROPS).toString().replaceFirst("\"accepted\":1000", "\"accepted\":999"));

        for (JsonNode dropped : List.of(bufferFull, socketDrop, inError)) {
            assertThat(row(BenchSummary.evaluate(Optional.empty(), Optional.of(dropped), Optional.empty()), "CoAP: no datagram").met())
                    .contains(false);
        }
        assertThat(row(BenchSummary.evaluate(Optional.empty(), Optional.of(run(1.4, 1.4, 30_000, NO_DROPS)), Optional.empty()),
                "CoAP: no datagram").met()).contains(true);
        assertThat(row(BenchSummary.evaluate(Optional.empty(), Optional.of(short1), Optional.empty()), "CoAP: every").met())
                .contains(false);
        assertThat(row(BenchSummary.evaluate(Optional.of(run(1.4, 1.4, 30_000, "")), Optional.empty(), Optional.empty()), "MQTT: every")
                .met()).contains(true);
    }
}
