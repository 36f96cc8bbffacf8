package io.sensorproof.gateway.core.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.gateway.core.coap.PeerResolver.PeerRefusedException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.junit.jupiter.api.Test;

/**
 * The per-request resolution of a DTLS session's raw public key keeps the canonical key of each SPKI it has seen
 * (issue 18), and only that: which device the key belongs to, and whether it belongs to one at all, is asked of the
 * registries every time.
 */
class PeerResolverTest {
    private final Map<ByteBuffer, RegisteredDevice> devices = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, TransportPeer> transportKeys = new ConcurrentHashMap<>();
    private final PeerResolver resolver = new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))),
            kid -> Optional.ofNullable(transportKeys.get(ByteBuffer.wrap(kid))));

    private static RawPublicKeyIdentity identity(PublicKey key) {
        return new RawPublicKeyIdentity(key);
    }

    @Test
    void aKeyResolvedBeforeIsAskedOfTheRegistryAgainAfterItsDeviceWasRemovedOrMoved() throws Exception {
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        ByteBuffer kid = ByteBuffer.wrap(key.verificationKey().kid());
        PublicKey jca = TestPki.jca(key.verificationKey());
        devices.put(kid, new RegisteredDevice("acme", "cold-room-7", key.verificationKey(), DeviceStatus.ACTIVE));

        assertThat(resolver.resolve(identity(jca))).isEqualTo(new TransportPeer("acme", "cold-room-7"));
        assertThat(resolver.resolve(identity(jca))).isEqualTo(new TransportPeer("acme", "cold-room-7"));
        assertThat(resolver.canonicalKeysCached()).isEqualTo(1);

        devices.remove(kid);
        assertThatThrownBy(() -> resolver.resolve(identity(jca))).isInstanceOfSatisfying(PeerRefusedException.class,
                e -> assertThat(e.code()).isEqualTo("PEER_UNKNOWN"));

        transportKeys.put(kid, new TransportPeer("acme", "sm2-1"));
        assertThat(resolver.resolve(identity(jca))).isEqualTo(new TransportPeer("acme", "sm2-1"));
        assertThat(resolver.canonicalKeysCached()).isEqualTo(1);
    }

    @Test
    void theKeyCacheKeepsTheMostRecentlyUsedKeysUpToItsBound() throws Exception {
        PeerResolver small = new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))),
                kid -> Optional.ofNullable(transportKeys.get(ByteBuffer.wrap(kid))), 3);
        PublicKey[] keys = new PublicKey[5];
        for (int i = 0; i < keys.length; i++) {
            SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
            keys[i] = TestPki.jca(key.verificationKey());
            devices.put(ByteBuffer.wrap(key.verificationKey().kid()),
                    new RegisteredDevice("acme", "d" + i, key.verificationKey(), DeviceStatus.ACTIVE));
        }
        for (int i = 0; i < keys.length; i++) {
            assertThat(small.resolve(identity(keys[i])).deviceId()).isEqualTo("d" + i);
            assertThat(small.resolve(identity(keys[0])).deviceId()).isEqualTo("d0");
        }
        assertThat(small.canonicalKeysCached()).isEqualTo(3);
        assertThat(small.isCanonicalKeyCached(keys[0])).isTrue();
        assertThat(small.isCanonicalKeyCached(keys[4])).isTrue();
        assertThat(small.isCanonicalKeyCached(keys[1])).isFalse();
    }

    @Test
    void anUnsupportedKeyIsRefusedEveryTime() throws Exception {
        KeyPair rsa = java.security.KeyPairGenerator.getInstance("RSA").generateKeyPair();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> resolver.resolve(identity(rsa.getPublic()))).isInstanceOfSatisfying(PeerRefusedException.class,
                    e -> assertThat(e.code()).isEqualTo("PEER_KEY_UNSUPPORTED"));
        }
    }
}
