package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.nio.ByteBuffer;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the CoAP ingest worker spends per request outside the pipeline, before and after issue 18's changes, in one
 * JVM: resolving the DTLS peer of a request ({@link PeerResolver#resolve}) among 50 devices' raw public keys with the
 * canonical-key cache ({@code cache=on}, 50,000 keys) and without it ({@code cache=off}, a bound of 0: every request
 * parses, validates and hashes its key, as before), and naming the reply counter ({@code String.format} per reply as
 * before, against the name made once per response code).
 *
 * <p>Run: {@code mvn -B -pl gateway-core -am install -DskipTests && mvn -B -pl gateway-core -Pbench test-compile exec:exec}
 * (results in {@code gateway-core/target/jmh-gateway-core.json}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CoapRequestOverheadBenchmark {
    private static final int DEVICES = 50;

    @Param({"on", "off"})
    public String cache;

    private PeerResolver resolver;
    private RawPublicKeyIdentity[] peers;
    private int next;
    private int detail;

    @Setup
    public void setUp() throws Exception {
        Map<ByteBuffer, RegisteredDevice> devices = new HashMap<>();
        peers = new RawPublicKeyIdentity[DEVICES];
        SecureRandom random = new SecureRandom();
        KeyFactory ec = KeyFactory.getInstance("EC");
        for (int i = 0; i < DEVICES; i++) {
            SigningKey key = Keys.generate(SignatureAlgorithm.ES256, random);
            VerificationKey v = key.verificationKey();
            devices.put(ByteBuffer.wrap(v.kid()), new RegisteredDevice("acme", "d" + i, v, DeviceStatus.ACTIVE));
            PublicKey jca = ec.generatePublic(new X509EncodedKeySpec(v.spki()));
            peers[i] = new RawPublicKeyIdentity(jca);
        }
        resolver = new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))),
                TransportKeyDirectory.NONE, "on".equals(cache) ? PeerResolver.CANONICAL_KEYS_MAX : 0);
    }

    @Benchmark
    public TransportPeer resolvePeer() {
        RawPublicKeyIdentity peer = peers[next];
        next = next + 1 == DEVICES ? 0 : next + 1;
        return resolver.resolve(peer);
    }

    /** The reply counter's name as it was made per reply (the cache parameter does not apply). */
    @Benchmark
    public String replyCounterFormatted() {
        detail = (detail + 1) & 7;
        return "replies." + 2 + "." + String.format(Locale.ROOT, "%02d", detail);
    }
}
