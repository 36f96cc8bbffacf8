package io.sensorproof.gateway.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read APIs over rows inserted with SQL (as the ingest writers will store them): values,
 * paging across pages without gaps or repeats, time and other filters, raw bytes, bad parameters.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ReadApiIT {
    private static final String DEVICE = "qry-dev";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00.123456Z");
    private static final Instant RECEIVED = Instant.parse("2026-02-01T00:00:00Z");
    /**
     * (boot, seq) of the messages, in insertion order; message m has reading time T0 + (m / 2)
     * minutes + (m % 2) ms (one reading per device, quantity and time: V8's unique index).
     */
    private static final long[][] MESSAGES = {{2, 0}, {1, 1}, {1, 2}, {2, 1}, {1, 3}, {2, 2}};
    /** temperature, humidity, co2e-register. */
    private static final int[] QUANTITIES = {1, 2, 4};
    private static final long[] ENCODED = {27740, 5050, 1234};
    private static final String QUARANTINE_REASON = "QRY_TEST_SIGNATURE";
    private static final String ALERT_KIND = "QRY_TEST_KIND";
    private static boolean loaded;

    @jakarta.inject.Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void load() throws SQLException {
        synchronized (ReadApiIT.class) {
            if (loaded) {
                return;
            }
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO tenants (id, name) VALUES ('qry-t', 'Query')");
                for (String device : List.of(DEVICE, "qry-empty")) {
                    byte[] kid = new byte[16];
                    new SecureRandom().nextBytes(kid);
                    s.execute("INSERT INTO devices (device_id, tenant_id, kid, spki, alg) VALUES ('" + device
                            + "', 'qry-t', '\\x" + HexFormat.of().formatHex(kid) + "', '\\x00', 'ES256')");
                }
                for (int m = 0; m < MESSAGES.length; m++) {
                    insertMessage(c, m);
                }
                for (int i = 0; i < 5; i++) {
                    insertQuarantine(c, QUARANTINE_REASON, Instant.parse("2020-01-01T00:00:00Z").plusSeconds(i),
                            i == 4 ? null : new byte[] {(byte) i, 1, 2});
                }
                insertQuarantine(c, "QRY_TEST_OTHER", Instant.parse("2020-01-01T00:00:00Z"), new byte[] {9});
                for (int i = 0; i < 3; i++) {
                    s.execute("INSERT INTO operator_alerts (kind, device_id, detail, acknowledged_at) VALUES ('"
                            + ALERT_KIND + "', '" + DEVICE + "', '{\"n\": " + i + "}', "
                            + (i == 0 ? "now()" : "NULL") + ")");
                }
            }
            loaded = true;
        }
    }

    @Test
    void readingsCarryFixedPointAndDecimalValues() {
        JsonPath page = OperatorKey.authorized().queryParam("limit", 3)
                .get("/api/v1/devices/" + DEVICE + "/readings").then().statusCode(200).extract().jsonPath();
        assertThat(page.getList("items.quantity")).containsExactly("temperature", "humidity", "co2e-register");
        assertThat(page.getList("items.unit")).containsExactly("Cel", "%RH", "g");
        assertThat(page.getList("items.encodedValue", Long.class)).containsExactly(27740L, 5050L, 1234L);
        // an emissions register reading is shown in whole grams with its unit
        assertThat(page.getList("items.value", BigDecimal.class).stream().map(BigDecimal::toPlainString))
                .containsExactly("4.25", "50.5", "1234");
        assertThat(page.getString("items[0].readingTime")).isEqualTo(T0.toString());
        assertThat(page.getInt("items[0].boot")).isEqualTo(2);
        assertThat(page.getInt("items[0].seq")).isEqualTo(0);
        assertThat(page.getString("items[0].receivedAt")).as("message 2/0 is the first inserted")
                .isEqualTo(RECEIVED.plusSeconds(1).toString());
    }

    @Test
    void readingPagesCoverEveryRowOnceInKeyOrder() {
        List<String> expected = new ArrayList<>();
        List<long[]> keys = new ArrayList<>();
        for (int m = 0; m < MESSAGES.length; m++) {
            for (int r = 0; r < QUANTITIES.length; r++) {
                keys.add(new long[] {m / 2, m % 2, MESSAGES[m][0], MESSAGES[m][1], r});
            }
        }
        keys.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]).thenComparingLong(k -> k[2])
                .thenComparingLong(k -> k[3]).thenComparingLong(k -> k[4]));
        keys.forEach(k -> expected.add(k[2] + "/" + k[3] + "/" + k[4]));

        for (int limit : new int[] {1, 4, 7, 18, 100}) {
            List<String> seen = collect("/api/v1/devices/" + DEVICE + "/readings", Map.of("limit", limit),
                    item -> item.get("boot") + "/" + item.get("seq") + "/" + item.get("recordIndex"));
            assertThat(seen).as("limit " + limit).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void readingsFilterByTimeRangeAndQuantity() {
        Map<String, Object> range = Map.of("from", T0.plusSeconds(60).toString(), "to", T0.plusSeconds(120).toString(),
                "limit", 2);
        List<String> inRange = collect("/api/v1/devices/" + DEVICE + "/readings", range,
                item -> (String) item.get("readingTime"));
        assertThat(inRange).hasSize(6).containsOnly(T0.plusSeconds(60).toString(), T0.plusSeconds(60).plusMillis(1).toString());

        Map<String, Object> humidity = Map.of("quantity", "humidity", "limit", 4);
        List<String> units = collect("/api/v1/devices/" + DEVICE + "/readings", humidity, item -> (String) item.get("unit"));
        assertThat(units).hasSize(6).containsOnly("%RH");

        Map<String, Object> upTo = Map.of("to", T0.toString());
        assertThat(collect("/api/v1/devices/" + DEVICE + "/readings", upTo, item -> item)).isEmpty();
        assertThat(collect("/api/v1/devices/qry-empty/readings", Map.of(), item -> item)).isEmpty();
    }

    @Test
    void messagesArePagedByBootAndSeqWithRawBytesOnTheSingleEndpoint() {
        List<String> seen = collect("/api/v1/devices/" + DEVICE + "/messages", Map.of("limit", 4),
                item -> item.get("boot") + "/" + item.get("seq"));
        assertThat(seen).containsExactly("1/1", "1/2", "1/3", "2/0", "2/1", "2/2");
        assertThat(collect("/api/v1/devices/" + DEVICE + "/messages", Map.of("boot", 2, "limit", 1),
                item -> ((Number) item.get("seq")).intValue())).containsExactly(0, 1, 2);

        OperatorKey.authorized().get("/api/v1/devices/" + DEVICE + "/messages?limit=1").then().statusCode(200)
                .body("items[0].digest", equalTo(HexFormat.of().formatHex(digest(11))))
                .body("items[0].recordCount", equalTo(3))
                .body("items[0].skewMs", equalTo(-250))
                .body("items[0].topic", equalTo("t/qry-t/d/qry-dev/up"))
                .body("items[0].size", equalTo(raw(11).length))
                .body("items[0].raw", equalTo(null));
        OperatorKey.authorized().get("/api/v1/devices/" + DEVICE + "/messages/1/2").then().statusCode(200)
                .body("boot", equalTo(1)).body("seq", equalTo(2))
                .body("raw", equalTo(Base64.getEncoder().encodeToString(raw(12))))
                .body("deviceTime", equalTo(T0.toString()));
        OperatorKey.authorized().get("/api/v1/devices/" + DEVICE + "/messages/9/9").then().statusCode(404)
                .body("code", equalTo("MESSAGE_NOT_FOUND"));
    }

    @Test
    void messagesFilterByReceivedTime() {
        Map<String, Object> window = Map.of("from", RECEIVED.plusSeconds(2).toString(), "to", RECEIVED.plusSeconds(4).toString());
        assertThat(collect("/api/v1/devices/" + DEVICE + "/messages", window, item -> item.get("boot") + "/" + item.get("seq")))
                .as("received at +2 s and +3 s; +4 s is excluded").containsExactly("1/1", "1/2");
    }

    @Test
    void quarantineIsListedByReasonAndPagedWithRawBytesOnTheSingleEndpoint() {
        List<Map<String, Object>> entries = collect("/api/v1/quarantine",
                Map.of("reason", QUARANTINE_REASON, "limit", 2), item -> item);
        assertThat(entries).hasSize(5).allSatisfy(e -> assertThat(e.get("reason")).isEqualTo(QUARANTINE_REASON));
        assertThat(entries).extracting(e -> e.get("receivedAt")).isSorted();
        assertThat(entries.get(0)).containsEntry("claimedDevice", DEVICE).containsEntry("source", "mqtt")
                .containsEntry("size", 3).doesNotContainKey("raw");

        Map<String, Object> fromTwo = Map.of("reason", QUARANTINE_REASON, "from", "2020-01-01T00:00:02Z",
                "to", "2020-01-01T00:00:04Z");
        assertThat(collect("/api/v1/quarantine", fromTwo, item -> item.get("receivedAt")))
                .containsExactly("2020-01-01T00:00:02Z", "2020-01-01T00:00:03Z");

        Number first = (Number) entries.get(0).get("id");
        OperatorKey.authorized().get("/api/v1/quarantine/" + first).then().statusCode(200)
                .body("reason", equalTo(QUARANTINE_REASON))
                .body("raw", equalTo(Base64.getEncoder().encodeToString(new byte[] {0, 1, 2})));
        Number noBytes = (Number) entries.get(4).get("id");
        OperatorKey.authorized().get("/api/v1/quarantine/" + noBytes).then().statusCode(200)
                .body("raw", equalTo(null)).body("size", equalTo(null));
        OperatorKey.authorized().get("/api/v1/quarantine/987654321").then().statusCode(404)
                .body("code", equalTo("QUARANTINE_ENTRY_NOT_FOUND"));
    }

    @Test
    void alertsAreNewestFirstAndFilterable() {
        List<Map<String, Object>> alerts = collect("/api/v1/alerts", Map.of("kind", ALERT_KIND, "limit", 2), item -> item);
        assertThat(alerts).extracting(a -> (Object) ((Map<?, ?>) a.get("detail")).get("n")).containsExactly(2, 1, 0);
        assertThat(alerts.get(2).get("acknowledgedAt")).isNotNull();
        assertThat(collect("/api/v1/alerts", Map.of("kind", ALERT_KIND, "open", "true"), item -> item.get("deviceId")))
                .containsExactly(DEVICE, DEVICE);
        assertThat(collect("/api/v1/alerts", Map.of("kind", ALERT_KIND, "open", "false", "device", DEVICE),
                item -> item)).hasSize(1);
    }

    @Test
    void badQueryParametersAreBadRequestsWithStableCodes() {
        String readings = "/api/v1/devices/" + DEVICE + "/readings";
        badRequest(readings, Map.of("limit", "0"), "INVALID_PARAMETER", "limit");
        badRequest(readings, Map.of("limit", "1001"), "INVALID_PARAMETER", "limit");
        badRequest(readings, Map.of("limit", "ten"), "INVALID_PARAMETER", "limit");
        badRequest(readings, Map.of("from", "yesterday"), "INVALID_PARAMETER", "from");
        badRequest(readings, Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"), "INVALID_PARAMETER", "from");
        badRequest(readings, Map.of("quantity", "pressure"), "INVALID_PARAMETER", "quantity");
        badRequest(readings, Map.of("cursor", "%%%"), "INVALID_CURSOR", "cursor");
        String messageCursor = OperatorKey.authorized().queryParam("limit", 1)
                .get("/api/v1/devices/" + DEVICE + "/messages").then().extract().path("nextCursor");
        badRequest(readings, Map.of("cursor", messageCursor), "INVALID_CURSOR", "cursor");
        badRequest("/api/v1/devices/" + DEVICE + "/messages/1/x", Map.of(), "INVALID_PARAMETER", "seq");
        badRequest("/api/v1/devices/" + DEVICE + "/messages/-1/1", Map.of(), "INVALID_PARAMETER", "boot");
        badRequest("/api/v1/quarantine", Map.of("reason", "bad reason"), "INVALID_PARAMETER", "reason");
        badRequest("/api/v1/quarantine/abc", Map.of(), "INVALID_PARAMETER", "id");
        badRequest("/api/v1/alerts", Map.of("open", "yes"), "INVALID_PARAMETER", "open");
        OperatorKey.authorized().get("/api/v1/devices/Bad%20Id/readings").then().statusCode(400)
                .body("code", equalTo("INVALID_IDENTIFIER"));
        OperatorKey.authorized().get("/api/v1/devices/qry-nobody/readings").then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/devices/qry-nobody/messages").then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
    }

    private static void badRequest(String path, Map<String, ?> params, String code, String parameter) {
        OperatorKey.authorized().queryParams(params).get(path).then().statusCode(400)
                .body("code", equalTo(code)).body("details.parameter", equalTo(parameter))
                .body("message", org.hamcrest.Matchers.notNullValue());
    }

    /** Follows nextCursor from the first page to the last, mapping every item. */
    private static <T> List<T> collect(String path, Map<String, ?> params, Function<Map<String, Object>, T> map) {
        List<T> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, Object> query = new HashMap<>(params);
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonPath page = OperatorKey.authorized().queryParams(query).get(path).then().statusCode(200)
                    .extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            if (params.containsKey("limit")) {
                assertThat(items.size()).isLessThanOrEqualTo(Integer.parseInt(params.get("limit").toString()));
            }
            items.forEach(item -> all.add(map.apply(item)));
            cursor = page.getString("nextCursor");
            assertThat(++pages).as("pages").isLessThan(100);
        } while (cursor != null);
        return all;
    }

    private static void insertMessage(Connection c, int m) throws SQLException {
        long boot = MESSAGES[m][0];
        long seq = MESSAGES[m][1];
        Instant readingTime = T0.plusSeconds(60L * (m / 2)).plusMillis(m % 2);
        Instant received = RECEIVED.plusSeconds(m + 1);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO messages (device_id, boot, seq, content_digest, raw,"
                + " topic, received_at, device_time, skew_ms, record_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 3)")) {
            s.setString(1, DEVICE);
            s.setLong(2, boot);
            s.setLong(3, seq);
            s.setBytes(4, digest((int) (boot * 10 + seq)));
            s.setBytes(5, raw((int) (boot * 10 + seq)));
            s.setString(6, "t/qry-t/d/" + DEVICE + "/up");
            s.setTimestamp(7, Timestamp.from(received));
            s.setTimestamp(8, Timestamp.from(T0));
            s.setLong(9, -250);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO readings (device_id, boot, seq, record_index, quantity,"
                + " value, reading_time, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int r = 0; r < QUANTITIES.length; r++) {
                s.setString(1, DEVICE);
                s.setLong(2, boot);
                s.setLong(3, seq);
                s.setShort(4, (short) r);
                s.setShort(5, (short) QUANTITIES[r]);
                s.setLong(6, ENCODED[r]);
                s.setTimestamp(7, Timestamp.from(readingTime));
                s.setTimestamp(8, Timestamp.from(received));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void insertQuarantine(Connection c, String reason, Instant received, byte[] raw) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO quarantine (reason, raw, claimed_device, topic, source,"
                + " received_at, detail) VALUES (?, ?, ?, ?, 'mqtt', ?, 'test entry')")) {
            s.setString(1, reason);
            s.setBytes(2, raw);
            s.setString(3, DEVICE);
            s.setString(4, "t/qry-t/d/" + DEVICE + "/up");
            s.setTimestamp(5, Timestamp.from(received));
            s.executeUpdate();
        }
    }

    /** A distinct 32-byte digest per message ({@code n} = boot * 10 + seq). */
    private static byte[] digest(int n) {
        byte[] d = new byte[32];
        d[0] = (byte) n;
        d[31] = (byte) 0xab;
        return d;
    }

    /** Distinct raw bytes per message ({@code n} = boot * 10 + seq). */
    private static byte[] raw(int n) {
        return new byte[] {(byte) 0xd2, (byte) n, 0x42};
    }
}
