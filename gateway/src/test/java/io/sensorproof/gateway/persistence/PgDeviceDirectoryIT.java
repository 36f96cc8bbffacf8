package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link PgDeviceDirectory}: lookups by kid, and changes visible once the 1 s cache entry expired. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgDeviceDirectoryIT {
    private static final Duration TTL = Duration.ofSeconds(1);

    @Inject
    PgDeviceDirectory directory;
    @Inject
    Pool pool;

    private final AtomicLong ticker = new AtomicLong();

    private PgDeviceDirectory withFakeClock() {
        return new PgDeviceDirectory(pool, Duration.ofSeconds(10), TTL, 100, ticker::get);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void findsARegisteredDeviceWithItsKeyForEachAlgorithm(SignatureAlgorithm alg) {
        SigningDevice d = new Registry(pool).newDevice(alg);

        Optional<RegisteredDevice> found = directory.byKid(d.key.verificationKey().kid());

        assertThat(found).hasValueSatisfying(device -> {
            assertThat(device.tenant()).isEqualTo(Registry.TENANT);
            assertThat(device.deviceId()).isEqualTo(d.id);
            assertThat(device.key()).isEqualTo(d.key.verificationKey());
            assertThat(device.key().algorithm()).isEqualTo(alg);
            assertThat(device.status()).isEqualTo(DeviceStatus.ACTIVE);
        });
    }

    @Test
    void hybridDeviceIsFoundByItsClassicalKidWithItsMlDsaKeyAndNotByTheMlDsaKid() {
        SigningDevice d = new Registry(pool).newDevice(SignatureAlgorithm.ES256);
        SigningKey pq = Keys.generate(SignatureAlgorithm.ML_DSA_65, SigningDevice.RANDOM);
        VerificationKey pqKey = pq.verificationKey();
        pool.preparedQuery("INSERT INTO device_hybrid_keys (kid, classical_kid, device_id, spki, alg) VALUES ($1, $2, $3, $4, $5)")
                .executeAndAwait(Tuple.of(Buffer.buffer(pqKey.kid()), Buffer.buffer(d.key.verificationKey().kid()), d.id,
                        Buffer.buffer(pqKey.spki()), pqKey.algorithm().label()));
        PgDeviceDirectory uncached = new PgDeviceDirectory(pool, Duration.ofSeconds(10), Duration.ZERO, 1, ticker::get);

        RegisteredDevice found = uncached.byKid(d.key.verificationKey().kid()).orElseThrow();
        assertThat(found.isHybrid()).isTrue();
        assertThat(found.key()).isEqualTo(d.key.verificationKey());
        assertThat(found.postQuantumKey()).contains(pqKey);
        assertThat(uncached.byKid(pqKey.kid())).as("the ML-DSA kid alone names no device").isEmpty();

        // the ML-DSA key of a group can be neither a signing key of its own nor the partner of an SM2 key
        SigningDevice sm2 = new Registry(pool).newDevice(SignatureAlgorithm.SM2_SM3);
        SigningKey pq2 = Keys.generate(SignatureAlgorithm.ML_DSA_44, SigningDevice.RANDOM);
        assertThatThrownBy(() -> pool.preparedQuery("INSERT INTO device_hybrid_keys (kid, classical_kid, device_id, spki, alg)"
                + " VALUES ($1, $2, $3, $4, 'ML-DSA-44')").executeAndAwait(Tuple.of(Buffer.buffer(pq2.verificationKey().kid()),
                Buffer.buffer(sm2.key.verificationKey().kid()), sm2.id, Buffer.buffer(pq2.verificationKey().spki()))))
                .hasMessageContaining("is not an ES256 or EdDSA key");
        assertThatThrownBy(() -> pool.preparedQuery("INSERT INTO device_keys (kid, device_id, spki, alg) VALUES ($1, $2, $3, $4)")
                .executeAndAwait(Tuple.of(Buffer.buffer(pqKey.kid()), sm2.id, Buffer.buffer(pqKey.spki()), pqKey.algorithm().label())))
                .hasMessageContaining("ML-DSA key of a hybrid device");
    }

    @Test
    void unknownKidIsEmpty() {
        assertThat(directory.byKid(new byte[16])).isEmpty();
    }

    @Test
    void suspensionIsSeenOnTheFirstLookupAfterTheCacheEntryExpired() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.ES256);
        byte[] kid = d.key.verificationKey().kid();
        PgDeviceDirectory cached = withFakeClock();
        assertThat(cached.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.ACTIVE);

        registry.setStatus(d, "SUSPENDED");
        ticker.addAndGet(TTL.toNanos() - 1);
        assertThat(cached.byKid(kid).orElseThrow().status()).as("still cached").isEqualTo(DeviceStatus.ACTIVE);
        ticker.addAndGet(1);
        assertThat(cached.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.SUSPENDED);

        registry.setStatus(d, "REVOKED");
        ticker.addAndGet(TTL.toNanos());
        assertThat(cached.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.REVOKED);
    }

    @Test
    void statusChangeReachesTheApplicationsDirectoryWithinASecond() throws InterruptedException {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.EDDSA);
        byte[] kid = d.key.verificationKey().kid();
        assertThat(directory.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.ACTIVE);

        registry.setStatus(d, "SUSPENDED");

        await("the suspension reaches the directory within its cache TTL").atMost(TTL.plusMillis(250)).pollInterval(Duration.ofMillis(20))
                .until(() -> directory.byKid(kid).orElseThrow().status() == DeviceStatus.SUSPENDED);
    }

    @Test
    void deviceRegisteredAfterAMissIsFoundOnceTheMissExpired() {
        Registry registry = new Registry(pool);
        SigningDevice d = SigningDevice.fresh(Registry.TENANT, SignatureAlgorithm.ES256);
        byte[] kid = d.key.verificationKey().kid();
        PgDeviceDirectory cached = withFakeClock();
        assertThat(cached.byKid(kid)).isEmpty();

        registry.register(d);
        assertThat(cached.byKid(kid)).as("miss still cached").isEmpty();
        ticker.addAndGet(TTL.toNanos());

        assertThat(cached.byKid(kid)).hasValueSatisfying(device -> assertThat(device.deviceId()).isEqualTo(d.id));
    }

    @Test
    void withoutCacheEveryLookupReadsTheTable() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.ES256);
        byte[] kid = d.key.verificationKey().kid();
        PgDeviceDirectory uncached = new PgDeviceDirectory(pool, Duration.ofSeconds(10), Duration.ZERO, 1, ticker::get);
        assertThat(uncached.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.ACTIVE);

        registry.setStatus(d, "REVOKED");

        assertThat(uncached.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.REVOKED);
    }

    @Test
    void floodOfUnknownKidsDoesNotGrowTheCacheBeyondItsBound() {
        PgDeviceDirectory cached = withFakeClock();
        for (int i = 0; i < 250; i++) {
            byte[] kid = new byte[16];
            SigningDevice.RANDOM.nextBytes(kid);
            assertThat(cached.byKid(kid)).isEmpty();
        }

        assertThat(cached.cacheSize()).isLessThanOrEqualTo(100);
    }

    @Test
    void prefetchReadsTheKidsOfABatchIntoTheCacheAndTheLookupsAnswerFromIt() {
        Registry registry = new Registry(pool);
        SigningDevice one = registry.newDevice(SignatureAlgorithm.ES256);
        SigningDevice two = registry.newDevice(SignatureAlgorithm.EDDSA);
        SigningDevice later = SigningDevice.fresh(Registry.TENANT, SignatureAlgorithm.ES256);
        byte[] kidOne = one.key.verificationKey().kid();
        byte[] kidTwo = two.key.verificationKey().kid();
        byte[] kidLater = later.key.verificationKey().kid();
        PgDeviceDirectory cached = withFakeClock();

        cached.prefetch(List.of(kidOne, kidTwo, kidLater, kidOne));

        assertThat(cached.cacheSize()).as("two devices and one miss").isEqualTo(3);
        registry.setStatus(one, "SUSPENDED");
        registry.register(later);
        assertThat(cached.byKid(kidOne).orElseThrow().status()).as("as prefetched").isEqualTo(DeviceStatus.ACTIVE);
        assertThat(cached.byKid(kidTwo)).hasValueSatisfying(d -> assertThat(d.deviceId()).isEqualTo(two.id));
        assertThat(cached.byKid(kidLater)).as("the miss was prefetched too").isEmpty();

        ticker.addAndGet(TTL.toNanos());
        cached.prefetch(List.of(kidOne, kidLater));
        registry.setStatus(one, "REVOKED");
        assertThat(cached.byKid(kidOne).orElseThrow().status()).as("read again once expired").isEqualTo(DeviceStatus.SUSPENDED);
        assertThat(cached.byKid(kidLater)).hasValueSatisfying(d -> assertThat(d.deviceId()).isEqualTo(later.id));
    }

    @Test
    void prefetchLeavesAnInconsistentRowToItsOwnLookupAndKeepsTheOthers() {
        Registry registry = new Registry(pool);
        SigningDevice bad = registry.newDevice(SignatureAlgorithm.ES256);
        SigningDevice good = registry.newDevice(SignatureAlgorithm.ES256);
        registry.rows("UPDATE device_keys SET alg = 'SM2-SM3' WHERE device_id = $1 RETURNING device_id", bad.id);
        PgDeviceDirectory cached = withFakeClock();

        cached.prefetch(List.of(bad.key.verificationKey().kid(), good.key.verificationKey().kid()));

        assertThat(cached.cacheSize()).isEqualTo(1);
        assertThat(cached.byKid(good.key.verificationKey().kid())).isPresent();
        assertThatThrownBy(() -> cached.byKid(bad.key.verificationKey().kid()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alg");
    }

    @Test
    void rowWhoseAlgDisagreesWithItsKeyIsAnError() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.ES256);
        registry.rows("UPDATE device_keys SET alg = 'SM2-SM3' WHERE device_id = $1 RETURNING device_id", d.id);

        assertThatThrownBy(() -> withFakeClock().byKid(d.key.verificationKey().kid()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alg");
    }

    @Test
    void replacedKeyFindsItsDeviceUntilItsAcceptanceEndsAndARevokedKeyNever() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.ES256);
        byte[] oldKid = d.key.verificationKey().kid();
        SigningDevice next = new SigningDevice(d.tenant, d.id, io.sensorproof.protocol.cose.Keys.generate(SignatureAlgorithm.EDDSA,
                SigningDevice.RANDOM));
        var newKey = next.key.verificationKey();
        // a re-key as the enrollment service does it: retire, add, point the device at the new key
        registry.rows("UPDATE device_keys SET retired_at = now(), accepted_until = now() + interval '1 hour' WHERE kid = $1"
                + " RETURNING device_id", io.vertx.core.buffer.Buffer.buffer(oldKid));
        registry.rows("INSERT INTO device_keys (kid, device_id, spki, alg) VALUES ($1, $2, $3, 'EdDSA') RETURNING device_id",
                io.vertx.core.buffer.Buffer.buffer(newKey.kid()), d.id, io.vertx.core.buffer.Buffer.buffer(newKey.spki()));
        registry.rows("UPDATE devices SET kid = $2, spki = $3, alg = 'EdDSA' WHERE device_id = $1 RETURNING device_id", d.id,
                io.vertx.core.buffer.Buffer.buffer(newKey.kid()), io.vertx.core.buffer.Buffer.buffer(newKey.spki()));
        PgDeviceDirectory cached = withFakeClock();

        assertThat(cached.byKid(oldKid)).hasValueSatisfying(device -> {
            assertThat(device.deviceId()).isEqualTo(d.id);
            assertThat(device.key()).isEqualTo(d.key.verificationKey());
            assertThat(device.status()).isEqualTo(DeviceStatus.ACTIVE);
        });
        assertThat(cached.byKid(newKey.kid()).orElseThrow().status()).isEqualTo(DeviceStatus.ACTIVE);

        registry.rows("UPDATE device_keys SET accepted_until = now() - interval '1 second' WHERE kid = $1 RETURNING device_id",
                io.vertx.core.buffer.Buffer.buffer(oldKid));
        ticker.addAndGet(TTL.toNanos());
        assertThat(cached.byKid(oldKid).orElseThrow().status()).as("acceptance over").isEqualTo(DeviceStatus.REVOKED);
        assertThat(cached.byKid(newKey.kid()).orElseThrow().status()).isEqualTo(DeviceStatus.ACTIVE);

        registry.rows("UPDATE device_keys SET revoked_at = now() WHERE kid = $1 RETURNING device_id",
                io.vertx.core.buffer.Buffer.buffer(newKey.kid()));
        ticker.addAndGet(TTL.toNanos());
        assertThat(cached.byKid(newKey.kid()).orElseThrow().status()).as("revoked key").isEqualTo(DeviceStatus.REVOKED);
    }

    @Test
    void revokingTheDeviceRevokesEveryKeyOfIt() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.SM2_SM3);
        registry.setStatus(d, "REVOKED");
        assertThat(registry.rows("SELECT 1 FROM device_keys WHERE device_id = $1 AND revoked_at IS NOT NULL", d.id)).hasSize(1);
        registry.setStatus(d, "REVOKED");
        assertThat(withFakeClock().byKid(d.key.verificationKey().kid()).orElseThrow().status()).isEqualTo(DeviceStatus.REVOKED);
    }
}
