package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneConfigTest {

    private static StandaloneConfig config(Map<String, String> values) {
        return StandaloneConfig.fromProperties(values);
    }

    @Test
    void startsEmbeddedServerUnderDefaultDataDirectoryWhenNothingIsConfigured() {
        StandaloneConfig config = config(Map.of());
        assertThat(config.externalDatabase()).isFalse();
        assertThat(config.dataDirectory()).isEqualTo(Path.of("./data"));
        assertThat(config.embeddedPort()).isZero();
        assertThat(config.derivedDatasourceProperties()).isEmpty();
    }

    @Test
    void sensorproofDatabaseUrlSetsBothQuarkusUrls() {
        StandaloneConfig config = config(Map.of(StandaloneConfig.DATABASE_URL, "postgresql://db.example:5432/gw"));
        assertThat(config.externalDatabase()).isTrue();
        assertThat(config.derivedDatasourceProperties()).containsExactly(
                Map.entry("quarkus.datasource.jdbc.url", "jdbc:postgresql://db.example:5432/gw"),
                Map.entry("quarkus.datasource.reactive.url", "postgresql://db.example:5432/gw"));
    }

    @Test
    void jdbcFormOfDatabaseUrlIsAccepted() {
        StandaloneConfig config = config(Map.of(StandaloneConfig.DATABASE_URL, "jdbc:postgresql://db:5432/gw"));
        assertThat(config.derivedDatasourceProperties())
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://db:5432/gw");
    }

    @Test
    void explicitQuarkusUrlWinsOverDerivedOne() {
        StandaloneConfig config = config(Map.of(StandaloneConfig.DATABASE_URL, "postgresql://db:5432/gw",
                "quarkus.datasource.reactive.url", "postgresql://replica:5432/gw?sslmode=require"));
        assertThat(config.derivedDatasourceProperties())
                .containsOnlyKeys("quarkus.datasource.jdbc.url");
    }

    @Test
    void eitherQuarkusUrlAloneSwitchesEmbeddedServerOff() {
        assertThat(config(Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://db/gw")).externalDatabase())
                .isTrue();
        assertThat(config(Map.of("quarkus.datasource.reactive.url", "postgresql://db/gw")).externalDatabase())
                .isTrue();
        assertThat(config(Map.of("quarkus.datasource.jdbc.url", " ")).externalDatabase()).isFalse();
    }

    @Test
    void rejectsNonPostgresDatabaseUrl() {
        assertThatThrownBy(() -> config(Map.of(StandaloneConfig.DATABASE_URL, "mysql://db/gw")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql://");
    }

    @Test
    void rejectsBadPort() {
        assertThatThrownBy(() -> config(Map.of(StandaloneConfig.EMBEDDED_PORT, "eighty")))
                .hasMessageContaining(StandaloneConfig.EMBEDDED_PORT);
        assertThatThrownBy(() -> config(Map.of(StandaloneConfig.EMBEDDED_PORT, "70000")))
                .hasMessageContaining(StandaloneConfig.EMBEDDED_PORT);
    }

    @Test
    void embeddedClusterAndLogLiveUnderDataDirectory() {
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.under(Path.of("/srv/sensorproof"), 5433);
        assertThat(settings.clusterDirectory()).isEqualTo(Path.of("/srv/sensorproof/postgres"));
        assertThat(settings.logFile()).isEqualTo(Path.of("/srv/sensorproof/postgres.log"));
        assertThat(settings.database()).isEqualTo("sensorproof");
    }
}
