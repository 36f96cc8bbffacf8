package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import io.sensorproof.sim.gateway.GatewayClient;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InjectorTest {
    private final SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private final ReadingPack pack = new ReadingPack("room-1", List.of(new Reading(Quantity.TEMPERATURE, 4.21, 1_767_600_000_000L),
            new Reading(Quantity.HUMIDITY, 99.5, 1_767_600_000_000L)));

    private static GatewayClient.StoredMessage stored(long boot, long seq) {
        return new GatewayClient.StoredMessage(boot, seq, 1, Instant.EPOCH, Instant.EPOCH);
    }

    /**
     * Seen failing in CI (ci32, GatewayScenariosIT): the device had stored nothing new between a replay and a
     * conflicting duplicate, both picked (1, 29), and the replay's outcome counted the duplicate's quarantine entry.
     */
    @Test
    void aSecondInjectionWorksFromAnotherStoredMessageThanTheFirst() {
        Set<String> worked = new HashSet<>();
        List<GatewayClient.StoredMessage> messages = List.of(stored(1, 27), stored(1, 28), stored(1, 29));
        assertThat(Injector.newestNotWorkedFrom("d", messages, worked)).contains(messages.get(2));
        worked.add("d/1/29");
        assertThat(Injector.newestNotWorkedFrom("d", messages, worked)).contains(messages.get(1));
        assertThat(Injector.newestNotWorkedFrom("other", messages, worked)).as("per device").contains(messages.get(2));
        worked.add("d/1/28");
        worked.add("d/1/27");
        assertThat(Injector.newestNotWorkedFrom("d", messages, worked)).isEmpty();
        assertThat(Injector.newestNotWorkedFrom("d", List.of(), worked)).isEmpty();
    }

    @Test
    void tamperedCopyKeepsHeaderAndSignatureAndFailsVerification() {
        byte[] genuine = ReadingMessages.sign(pack, 3, 17, 1_767_600_000_000L, key);
        byte[] tampered = Injector.withPayload(genuine, SenmlCodec.encode(Injector.altered(pack, 1)));
        ReadingMessage decoded = ReadingMessages.decode(tampered);
        assertThat(decoded.header()).isEqualTo(ReadingMessages.decode(genuine).header());
        assertThat(decoded.pack().readings().get(0).value()).isEqualTo(3.21);
        assertThatThrownBy(() -> decoded.verify(key.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
        ReadingMessages.decode(genuine).verify(key.verificationKey());
    }

    @Test
    void alteredPackStaysInRange() {
        ReadingPack low = new ReadingPack("room-1", List.of(new Reading(Quantity.HUMIDITY, 0.4, 1_767_600_000_000L)));
        assertThat(Injector.altered(low, 1).readings().get(0).value()).isEqualTo(1.4);
        Injector.altered(pack, 2).checkValues();
    }
}
