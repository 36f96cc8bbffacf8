package io.sensorproof.gateway.coap;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.sensorproof.gateway.core.coap.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * CoAP on a free port with a test device CA as trust, a queue of one request (so back-pressure is
 * reachable), and no device cache (a revocation shows on the next message).
 */
public class CoapTestProfile implements QuarkusTestProfile {
    static final TestPki PKI;
    static final Path CA_FILE;

    static {
        try {
            PKI = TestPki.create("gateway IT device CA");
            CA_FILE = TestPki.writePem(Files.createTempDirectory("coap-ca").resolve("device-ca.pem"), List.of(PKI.ca));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sensorproof.coap.enabled", "true", "sensorproof.coap.port", "0", "sensorproof.coap.bind-address", "127.0.0.1",
                "sensorproof.coap.trust-file", CA_FILE.toString(), "sensorproof.coap.queue-capacity", "1", "sensorproof.coap.batch-max", "1",
                "sensorproof.coap.retry-after", "1s", "sensorproof.persistence.device-cache-ttl", "0s");
    }
}
