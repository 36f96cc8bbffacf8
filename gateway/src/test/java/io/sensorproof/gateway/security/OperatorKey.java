package io.sensorproof.gateway.security;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * API keys for {@code @QuarkusTest}s: the bootstrap operator key the running application wrote to
 * {@code <sensorproof.data-dir>/operator-api-key} at its start (each test application starts on an
 * empty database, so it always made one), or a fresh key inserted directly into {@code api_keys}.
 *
 * <pre>
 * given().spec(OperatorKey.authorized()).get("/api/v1/tenants").then().statusCode(200);
 * HttpRequest.newBuilder(uri).header("Authorization", OperatorKey.bearer()) ...
 * </pre>
 */
public final class OperatorKey {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OperatorKey() {
    }

    /** The bootstrap operator key of the running test application. */
    public static String bootstrap() {
        String dataDir = ConfigProvider.getConfig().getOptionalValue("sensorproof.data-dir", String.class).orElse("./data");
        Path file = Path.of(dataDir).toAbsolutePath().normalize().resolve(OperatorKeyBootstrap.FILE_NAME);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("no bootstrap key at " + file + "; did the application start on an empty database?", e);
        }
    }

    /** {@code Bearer <bootstrap key>}, the value of the Authorization header. */
    public static String bearer() {
        return "Bearer " + bootstrap();
    }

    /** A RestAssured request carrying the bootstrap key. */
    public static RequestSpecification authorized() {
        return given().header("Authorization", bearer());
    }

    /** Inserts a new operator key with {@code label} (hash only, like the API) and returns its secret. */
    public static String mint(DataSource dataSource, String label) {
        String key = ApiKeySecrets.generate(RANDOM);
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO api_keys (key_hash, label, role) VALUES (?, ?, ?)")) {
            s.setBytes(1, ApiKeySecrets.hash(key));
            s.setString(2, label);
            s.setString(3, ApiKeyRole.OPERATOR.label());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot insert API key", e);
        }
        return key;
    }
}
