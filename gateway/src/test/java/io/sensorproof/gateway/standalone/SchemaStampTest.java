package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaStampTest {

    @TempDir
    Path dir;

    private static final List<SchemaStamp.HistoryRow> HISTORY = List.of(
            new SchemaStamp.HistoryRow(1, "1", "schema", "SQL", "V1__schema.sql", 123456789, true),
            new SchemaStamp.HistoryRow(2, "2", "quarantine", "SQL", "V2__quarantine.sql", -42, true));

    private Path jar(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static SortedMap<String, String> settings(Map<String, String> values) {
        return new TreeMap<>(values);
    }

    private SchemaStamp.Stamp stamp(List<Path> build, Map<String, String> flyway, List<SchemaStamp.HistoryRow> history) throws Exception {
        return new SchemaStamp.Stamp(SchemaStamp.buildFingerprint(build, settings(flyway)), SchemaStamp.historyFingerprint(history));
    }

    @Test
    void skipsOnlyWhenBuildSettingsAndHistoryAreThoseRecorded() throws Exception {
        List<Path> build = List.of(jar("gateway.jar", "classes and db/migration"), jar("generated-bytecode.jar", "recorded steps"));
        Map<String, String> flyway = Map.of("quarkus.flyway.locations", "db/migration");
        Path file = dir.resolve(SchemaStamp.FILE_NAME);
        SchemaStamp.write(file, stamp(build, flyway, HISTORY));

        Optional<SchemaStamp.Stamp> recorded = SchemaStamp.read(file);
        assertThat(SchemaStamp.unchanged(recorded, stamp(build, flyway, HISTORY))).isTrue();
    }

    @Test
    void anyChangedBuildFileMeansFlywayRuns() throws Exception {
        Path app = jar("gateway.jar", "V1 V2");
        List<Path> build = List.of(app, jar("generated-bytecode.jar", "recorded steps"));
        Map<String, String> flyway = Map.of("quarkus.flyway.locations", "db/migration");
        Optional<SchemaStamp.Stamp> recorded = Optional.of(stamp(build, flyway, HISTORY));

        Files.writeString(app, "V1 V2 V3");
        assertThat(SchemaStamp.unchanged(recorded, stamp(build, flyway, HISTORY))).isFalse();
    }

    @Test
    void anyChangedFlywaySettingMeansFlywayRuns() throws Exception {
        List<Path> build = List.of(jar("gateway.jar", "V1 V2"));
        Optional<SchemaStamp.Stamp> recorded = Optional.of(stamp(build, Map.of("quarkus.flyway.locations", "db/migration"), HISTORY));

        assertThat(SchemaStamp.unchanged(recorded, stamp(build,
                Map.of("quarkus.flyway.locations", "db/migration", "QUARKUS_FLYWAY_OUT_OF_ORDER", "true"), HISTORY))).isFalse();
        assertThat(SchemaStamp.unchanged(recorded, stamp(build, Map.of("quarkus.flyway.locations", "db/other"), HISTORY))).isFalse();
    }

    @Test
    void anyChangedHistoryRowMeansFlywayRuns() throws Exception {
        List<Path> build = List.of(jar("gateway.jar", "V1 V2"));
        Map<String, String> flyway = Map.of();
        Optional<SchemaStamp.Stamp> recorded = Optional.of(stamp(build, flyway, HISTORY));

        List<SchemaStamp.HistoryRow> failed = new ArrayList<>(HISTORY);
        failed.set(1, new SchemaStamp.HistoryRow(2, "2", "quarantine", "SQL", "V2__quarantine.sql", -42, false));
        List<SchemaStamp.HistoryRow> otherChecksum = new ArrayList<>(HISTORY);
        otherChecksum.set(0, new SchemaStamp.HistoryRow(1, "1", "schema", "SQL", "V1__schema.sql", 123456788, true));
        List<SchemaStamp.HistoryRow> noChecksum = new ArrayList<>(HISTORY);
        noChecksum.set(0, new SchemaStamp.HistoryRow(1, "1", "schema", "SQL", "V1__schema.sql", null, true));
        List<SchemaStamp.HistoryRow> more = new ArrayList<>(HISTORY);
        more.add(new SchemaStamp.HistoryRow(3, "3", "index", "SQL", "V3__index.sql", 7, true));

        for (List<SchemaStamp.HistoryRow> changed : List.of(failed, otherChecksum, noChecksum, more, HISTORY.subList(0, 1), List.<SchemaStamp.HistoryRow>of())) {
            assertThat(SchemaStamp.unchanged(recorded, stamp(build, flyway, changed))).as("history %s", changed).isFalse();
        }
    }

    @Test
    void fieldsDoNotRunIntoEachOther() {
        // "ab" + "c" and "a" + "bc" must not hash alike, nor null and ""
        assertThat(SchemaStamp.historyFingerprint(List.of(new SchemaStamp.HistoryRow(1, "ab", "c", "SQL", "s", 1, true))))
                .isNotEqualTo(SchemaStamp.historyFingerprint(List.of(new SchemaStamp.HistoryRow(1, "a", "bc", "SQL", "s", 1, true))));
        assertThat(SchemaStamp.historyFingerprint(List.of(new SchemaStamp.HistoryRow(1, null, "baseline", "SQL", "s", 1, true))))
                .isNotEqualTo(SchemaStamp.historyFingerprint(List.of(new SchemaStamp.HistoryRow(1, "", "baseline", "SQL", "s", 1, true))));
    }

    @Test
    void noMissingTornOrForeignStampEverMatches() throws Exception {
        List<Path> build = List.of(jar("gateway.jar", "V1 V2"));
        SchemaStamp.Stamp current = stamp(build, Map.of(), HISTORY);
        Path file = dir.resolve(SchemaStamp.FILE_NAME);

        assertThat(SchemaStamp.read(file)).isEmpty();
        assertThat(SchemaStamp.unchanged(SchemaStamp.read(file), current)).isFalse();

        SchemaStamp.write(file, current);
        String whole = Files.readString(file);
        for (int cut = 0; cut < whole.length() - 1; cut++) {
            Files.writeString(file, whole.substring(0, cut));
            assertThat(SchemaStamp.read(file)).as("cut at %d", cut).isEmpty();
        }
        Files.writeString(file, whole.replace("build=", "build=0"));
        assertThat(SchemaStamp.read(file)).isEmpty();
        Files.writeString(file, whole.replace("sensorproof schema stamp v1", "sensorproof schema stamp v2"));
        assertThat(SchemaStamp.read(file)).isEmpty();
        Files.writeString(file, whole);
        assertThat(SchemaStamp.read(file)).contains(current);
    }
}
