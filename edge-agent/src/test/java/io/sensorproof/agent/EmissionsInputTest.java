package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.outbox.EmissionsRegister;
import io.sensorproof.agent.outbox.Outbox;
import io.sensorproof.agent.outbox.OutboxConfig;
import io.sensorproof.agent.outbox.OutboxMessage;
import io.sensorproof.agent.outbox.OverflowPolicy;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's emissions inputs without a network: interval masses accumulate into the durable
 * register, a meter's register may not go down, and one reading per quantity and time. What the
 * agent sealed is read back from its outbox.
 */
class EmissionsInputTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final SigningKey DEVICE = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private static final SigningKey GATEWAY = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());

    @TempDir
    Path dir;

    private EdgeAgent start() throws IOException {
        return start(256);
    }

    private EdgeAgent start(int packMaxRecords) throws IOException {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "stack-1");
        p.setProperty("data.dir", dir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(GATEWAY.verificationKey().spki()));
        p.setProperty("mqtt.url", "tcp://127.0.0.1:1");
        p.setProperty("pack.max-records", Integer.toString(packMaxRecords));
        p.setProperty("pack.max-age-millis", "3600000");
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        return EdgeAgent.start(config, DEVICE, GATEWAY.verificationKey(), metrics -> new OfflineTransport(), Clock.systemUTC());
    }

    /** Every reading the agent sealed, in (boot, seq, record) order. */
    private List<Reading> sealed() throws IOException {
        List<Reading> readings = new ArrayList<>();
        try (Outbox outbox = Outbox.open(dir.resolve("outbox"), new OutboxConfig(64L << 20, 8L << 20, OverflowPolicy.BLOCK, Duration.ZERO))) {
            for (OutboxMessage m : outbox.pending(null, Integer.MAX_VALUE)) {
                readings.addAll(ReadingMessages.decode(m.bytes()).pack().readings());
            }
        }
        return readings;
    }

    private static Reading register(long grams, long time) {
        return new Reading(Quantity.CO2E_REGISTER, grams, time);
    }

    @Test
    void intervalMassesAccumulateExactlyInWholeGrams() throws IOException {
        List<Reading> emitted = new ArrayList<>();
        try (EdgeAgent agent = start()) {
            double[] kg = {0.0015, 0.0025, 12.345, 4294967.295, 0};
            for (int i = 0; i < kg.length; i++) {
                emitted.add(agent.submit(new IntervalEmission(kg[i], T0 + i * 1000L)));
            }
            // ten times 0.1 kg: a double sum would give 0.9999999999999999 kg, the register exactly 1000 g more
            for (int i = 0; i < 10; i++) {
                emitted.add(agent.submit(new IntervalEmission(0.1, T0 + 10_000 + i * 1000L)));
            }
            assertThat(agent.registerGrams()).isEqualTo(2 + 2 + 12_345 + 4_294_967_295L + 1_000);
        }
        assertThat(emitted.subList(0, 5)).extracting(Reading::fixedValue)
                .containsExactly(2L, 4L, 12_349L, 4_294_979_644L, 4_294_979_644L);
        assertThat(emitted.get(emitted.size() - 1).fixedValue()).isEqualTo(4_294_980_644L);
        assertThat(emitted).allSatisfy(r -> assertThat(r.quantity()).isEqualTo(Quantity.CO2E_REGISTER));
        assertThat(sealed()).as("what the agent returned is what it sealed").isEqualTo(emitted);
    }

    @Test
    void theRegisterIsDurableBeforeItsReadingIsSealedAndSurvivesARestart() throws IOException {
        try (EdgeAgent agent = start()) {
            agent.submit(new IntervalEmission(1.5, T0));
            assertThat(Files.readString(dir.resolve("co2e-register")))
                    .as("written while the reading still waits in the open pack").isEqualTo(EmissionsRegister.line(1_500, T0));
            assertThat(agent.outboxStats().depth()).as("nothing sealed yet").isZero();
        }
        try (EdgeAgent agent = start()) {
            assertThat(agent.registerGrams()).isEqualTo(1_500);
            assertThat(agent.submit(new IntervalEmission(0.25, T0 + 1000)).fixedValue()).isEqualTo(1_750);
            agent.submit(register(2_000, T0 + 2000));
            assertThat(agent.submit(new IntervalEmission(1, T0 + 3000)).fixedValue()).isEqualTo(3_000);
        }
        try (EdgeAgent agent = start()) {
            assertThat(agent.registerGrams()).isEqualTo(3_000);
            assertThatThrownBy(() -> agent.submit(register(2_999, T0 + 4000)))
                    .as("lower than before the restart").isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTER_DECREASED));
            assertThatThrownBy(() -> agent.submit(register(3_000, T0 + 3000)))
                    .as("the time of the register's newest reading, taken before the restart")
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME));
        }
        assertThat(sealed()).extracting(Reading::fixedValue).containsExactly(1_500L, 1_750L, 2_000L, 3_000L);
    }

    @Test
    void aReadingWhoseRegisterWriteFailsIsNeverSealed() throws IOException {
        try (EdgeAgent agent = start(1)) {
            agent.submit(new IntervalEmission(1, T0));
            Path blocker = Files.createDirectories(dir.resolve("co2e-register.tmp"));
            Files.writeString(blocker.resolve("x"), "the temporary file cannot be written while this directory is in its place");
            assertThatThrownBy(() -> agent.submit(new IntervalEmission(2, T0 + 1000))).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> agent.submit(register(5_000, T0 + 2000))).isInstanceOf(IOException.class);
            assertThat(agent.registerGrams()).isEqualTo(1_000);
            assertThat(agent.outboxStats().depth()).as("packs of one reading seal at once; only the first").isEqualTo(1);
            Files.delete(blocker.resolve("x"));
            Files.delete(blocker);
            assertThat(agent.submit(new IntervalEmission(2, T0 + 3000)).fixedValue()).isEqualTo(3_000);
        }
        assertThat(sealed()).containsExactly(register(1_000, T0), register(3_000, T0 + 3000));
    }

    @Test
    void aDecreasingRegisterIsRefusedCountedAndNeverSealed() throws IOException {
        try (EdgeAgent agent = start()) {
            agent.submit(register(10_000, T0));
            assertThatThrownBy(() -> agent.submit(register(9_999, T0 + 1000))).isInstanceOfSatisfying(ProtocolException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTER_DECREASED));
            assertThatThrownBy(() -> agent.submit(new IntervalEmission(1, T0 - 1000)))
                    .as("an interval ending before the register's newest reading would put a higher value earlier")
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTER_DECREASED));
            assertThatThrownBy(() -> agent.submit(new IntervalEmission(-0.001, T0 + 2000)))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
            agent.submit(register(10_000, T0 + 3000));
            assertThat(agent.registerGrams()).isEqualTo(10_000);
            assertThat(agent.describe()).containsEntry("input_rejected", 3L).containsEntry("co2e_register_grams", 10_000L);
        }
        assertThat(sealed()).containsExactly(register(10_000, T0), register(10_000, T0 + 3000));
        assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(EmissionsRegister.line(10_000, T0 + 3000));
    }

    @Test
    void refusesASecondReadingOfAQuantityAtTheSameTime() throws IOException {
        try (EdgeAgent agent = start()) {
            agent.submit(new Reading(Quantity.TEMPERATURE, 4.0, T0));
            agent.submit(new Reading(Quantity.HUMIDITY, 50, T0));
            assertThatThrownBy(() -> agent.submit(new Reading(Quantity.TEMPERATURE, 4.5, T0)))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME));
            agent.flush();
            assertThatThrownBy(() -> agent.submit(new Reading(Quantity.HUMIDITY, 51, T0)))
                    .as("also when the first one is already sealed")
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME));
            agent.submit(new IntervalEmission(1, T0));
            assertThatThrownBy(() -> agent.submit(new IntervalEmission(1, T0)))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME));
            assertThat(agent.registerGrams()).as("a refused interval is not added").isEqualTo(1_000);
            agent.submit(new Reading(Quantity.TEMPERATURE, 4.5, T0 + 1));
        }
        List<Reading> sealed = sealed();
        assertThat(sealed).containsExactly(new Reading(Quantity.TEMPERATURE, 4.0, T0), new Reading(Quantity.HUMIDITY, 50, T0),
                register(1_000, T0), new Reading(Quantity.TEMPERATURE, 4.5, T0 + 1));
    }

    @Test
    void refusesToStartOnACorruptRegisterFile() throws IOException {
        try (EdgeAgent agent = start()) {
            agent.submit(new IntervalEmission(2, T0));
        }
        Files.writeString(dir.resolve("co2e-register"), EmissionsRegister.line(2_000, T0).replace("2000", "0"));
        assertThatThrownBy(this::start).isInstanceOf(IOException.class).hasMessageContaining("corrupt");
        Files.writeString(dir.resolve("co2e-register"), EmissionsRegister.line(2_000, T0));
        try (EdgeAgent agent = start()) {
            assertThat(agent.registerGrams()).as("the refused start released the outbox and the lock").isEqualTo(2_000);
        }
    }
}
