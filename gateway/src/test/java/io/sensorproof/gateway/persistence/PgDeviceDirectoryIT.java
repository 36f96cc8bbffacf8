package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
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
        Thread.sleep(TTL.toMillis() + 50);

        assertThat(directory.byKid(kid).orElseThrow().status()).isEqualTo(DeviceStatus.SUSPENDED);
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
    void rowWhoseAlgDisagreesWithItsKeyIsAnError() {
        Registry registry = new Registry(pool);
        SigningDevice d = registry.newDevice(SignatureAlgorithm.ES256);
        registry.rows("UPDATE devices SET alg = 'SM2-SM3' WHERE device_id = $1 RETURNING device_id", d.id);

        assertThatThrownBy(() -> withFakeClock().byKid(d.key.verificationKey().kid()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("alg");
    }
}
