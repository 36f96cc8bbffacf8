package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.chain.Deployment;
import io.sensorproof.oracle.chain.DevelopmentKeys;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The set-up of the freeze path on the packaged standalone gateway, shared by {@link CollateralFreezeIT} and
 * {@link OracleBenchmark} so that the benchmark measures exactly what the end-to-end test checks: API keys, an
 * enrolled cold room's agent (TLS to the embedded broker) fed one temperature reading per sampling interval, its
 * lot pledged to a bank with freeze terms, and the bank's CollateralFinancing facility on the local chain, accepted
 * by the borrower and linked to the lot once the gateway's sweep has registered the device.
 */
final class CollateralRig {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Development account of the borrower who accepts the bank's facilities. */
    static final int BORROWER_ACCOUNT = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CollateralRig() {
    }

    /** A freeze watch on temperature, as the lot's terms (API) and the facility's terms (chain) both state it. */
    record Watch(long lo, long hi, long minDurationMs, long maxGapMs, long samplingMs, long maxAgeMs) {
        Map<String, Object> api() {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("quantity", "temperature");
            w.put("lo", lo);
            w.put("hi", hi);
            w.put("minDurationMs", minDurationMs);
            w.put("maxGapMs", maxGapMs);
            w.put("samplingIntervalMs", samplingMs);
            w.put("maxAgeMs", maxAgeMs);
            w.put("k", 1);
            return w;
        }

        CollateralFinancing.Watch chain() {
            return new CollateralFinancing.Watch(BigInteger.valueOf(Quantity.TEMPERATURE.code()), big(lo), big(hi),
                    big(minDurationMs), big(maxGapMs), big(samplingMs), big(maxAgeMs), BigInteger.ONE);
        }
    }

    /** A new API key of {@code role} for {@code tenant}, made by the operator. */
    static String key(GatewayProcess gateway, String operator, String role, String tenant) throws Exception {
        return JSON.readTree(gateway.call("POST", "/api/v1/api-keys", operator,
                Map.of("label", role + " of " + tenant, "role", role, "tenant", tenant), 201)).path("key").asText();
    }

    /** Starts the enrolled device's agent over TLS to the embedded broker (packs of up to 10 readings, sealed after 100 ms). */
    static EdgeAgent startAgent(StreamingAgent enrolled, Path dataDir, String mqttUrl, Path brokerCa, byte[] ackKeySpki)
            throws Exception {
        Properties p = new Properties();
        p.setProperty("mqtt.tls.ca-file", brokerCa.toString());
        p.setProperty("tenant", enrolled.tenant);
        p.setProperty("device", enrolled.device);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKeySpki));
        p.setProperty("mqtt.url", mqttUrl);
        p.setProperty("pack.max-records", "10");
        p.setProperty("pack.max-age-millis", "100");
        p.setProperty("ack.timeout-millis", "3000");
        p.setProperty("reconnect.min-millis", "200");
        p.setProperty("reconnect.max-millis", "2000");
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        return EdgeAgent.start(config, enrolled.key, Keys.publicKeyFromSpki(ackKeySpki),
                metrics -> new MqttTransport(config, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), RANDOM),
                        metrics::recordBackoff), Clock.systemUTC());
    }

    /** Creates the factory's lot of one device at {@code site}, pledged to {@code bank}, and the bank sets its terms; returns the lot id. */
    static long pledgeLot(GatewayProcess gateway, String factoryKey, String bankKey, String factory, String site, String bank,
            String device, Watch watch) throws Exception {
        Map<String, Object> lotBody = new LinkedHashMap<>();
        lotBody.put("tenant", factory);
        lotBody.put("siteId", site);
        lotBody.put("bank", bank);
        lotBody.put("name", "goods in " + device);
        lotBody.put("deviceIds", List.of(device));
        long lot = JSON.readTree(gateway.call("POST", "/api/v1/lots", factoryKey, lotBody, 201)).path("id").asLong();
        gateway.call("PUT", "/api/v1/lots/" + lot + "/terms", bankKey, Map.of("watches", List.of(watch.api())), 200);
        return lot;
    }

    /** Waits until the gateway's sweep has registered {@code device} on chain (the facility names it only then). */
    static void awaitRegistered(Web3j web3j, Deployment deployment, String device, Duration atMost) {
        AnchorRegistry registry = AnchorRegistry.load(deployment.address("AnchorRegistry"), web3j,
                tx(web3j, LocalDeployment.BANK_ACCOUNT), new DefaultGasProvider());
        BigInteger field = Identifiers.deviceField(device);
        await("device " + device + " registered on chain by the gateway").atMost(atMost).pollInterval(Duration.ofMillis(500))
                .until(() -> registry.isDeviceRegistered(field).send());
    }

    /**
     * The bank creates a CollateralFinancing facility over {@code devices} with {@code watch} (1,000,000 credit line),
     * the borrower accepts it; returns the facility id.
     */
    static BigInteger openFacility(CollateralFinancing asBank, CollateralFinancing asBorrower, List<String> devices, Watch watch)
            throws Exception {
        List<BigInteger> fields = new ArrayList<>();
        devices.forEach(d -> fields.add(Identifiers.deviceField(d)));
        CollateralFinancing.Terms terms = new CollateralFinancing.Terms(BigInteger.valueOf(1_000_000), fields, List.of(watch.chain()));
        BigInteger facility = CollateralFinancing.getFacilityCreatedEvents(
                sendOk(asBank.createFacility(LocalDeployment.address(BORROWER_ACCOUNT), terms))).get(0).id;
        sendOk(asBorrower.acceptFacility(facility));
        return facility;
    }

    /** The deployment's CollateralFinancing as development account {@code account} sends it. */
    static CollateralFinancing financing(Web3j web3j, Deployment deployment, int account) {
        return CollateralFinancing.load(deployment.address("CollateralFinancing"), web3j, tx(web3j, account), new DefaultGasProvider());
    }

    static TransactionManager tx(Web3j web3j, int account) {
        return new RawTransactionManager(web3j, Credentials.create(DevelopmentKeys.PRIVATE_KEYS.get(account)), 31337,
                new PollingTransactionReceiptProcessor(web3j, 100, 600));
    }

    static TransactionReceipt sendOk(RemoteFunctionCall<TransactionReceipt> call) throws Exception {
        TransactionReceipt receipt = call.send();
        assertThat(receipt.isStatusOK()).as("transaction %s", receipt.getTransactionHash()).isTrue();
        return receipt;
    }

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    static List<String> strings(MessageRows db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static long longValue(MessageRows db, String sql) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    /**
     * A cold room's thermometer: one temperature reading per period at the room's current temperature, submitted
     * to its agent by a daemon thread until {@link #close()}. The temperature and the period may change while it runs.
     */
    static final class Room implements AutoCloseable {
        private final EdgeAgent agent;
        private final String device;
        private final Thread thread;
        private volatile double celsius;
        private volatile long periodMs;
        private volatile boolean feeding = true;
        private volatile Throwable failure;

        private Room(EdgeAgent agent, String device, double celsius, long periodMs) {
            this.agent = agent;
            this.device = device;
            this.celsius = celsius;
            this.periodMs = periodMs;
            this.thread = new Thread(this::feed, "feeder-" + device);
            this.thread.setDaemon(true);
        }

        /** Starts feeding {@code agent} at {@code celsius}, one reading every {@code periodMs}. */
        static Room start(EdgeAgent agent, String device, double celsius, long periodMs) {
            Room room = new Room(agent, device, celsius, periodMs);
            room.thread.start();
            return room;
        }

        void celsius(double value) {
            celsius = value;
        }

        void periodMs(long value) {
            periodMs = value;
        }

        EdgeAgent agent() {
            return agent;
        }

        private void feed() {
            long next = System.currentTimeMillis();
            try {
                while (feeding) {
                    agent.submit(new Reading(Quantity.TEMPERATURE, celsius, System.currentTimeMillis()));
                    next += periodMs;
                    Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = e;
            }
        }

        /** Stops feeding and the agent; fails if feeding failed. */
        @Override
        public void close() throws Exception {
            feeding = false;
            thread.join(5_000);
            agent.close();
            if (failure != null) {
                throw new IllegalStateException("feeding " + device + " failed", failure);
            }
        }
    }
}
