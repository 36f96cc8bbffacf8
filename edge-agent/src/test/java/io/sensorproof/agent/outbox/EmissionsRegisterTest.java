package io.sensorproof.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmissionsRegisterTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final SigningKey KEY = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());

    @TempDir
    Path dir;

    private Outbox outbox() throws IOException {
        return Outbox.open(dir.resolve("outbox"), new OutboxConfig(1L << 20, 64L << 10, OverflowPolicy.BLOCK, Duration.ZERO));
    }

    private static ProtocolException refusal(ThrowingRunnable r) {
        try {
            r.run();
        } catch (ProtocolException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not refused");
    }

    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    @Test
    void startsAtZeroAndWritesEveryChangeBeforeReturning() throws IOException {
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            assertThat(register.grams()).isZero();
            assertThat(dir.resolve("co2e-register")).doesNotExist();
            assertThat(register.add(1_500, T0)).isEqualTo(1_500);
            assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(EmissionsRegister.line(1_500, T0));
            register.advanceTo(2_000, T0 + 1000);
            assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(EmissionsRegister.line(2_000, T0 + 1000));
        }
    }

    @Test
    void survivesReopening() throws IOException {
        try (Outbox outbox = outbox()) {
            EmissionsRegister.open(dir, outbox).add(4_294_967_296L, T0);
        }
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            assertThat(register.grams()).isEqualTo(4_294_967_296L);
            assertThat(register.timeMillis()).isEqualTo(T0);
            assertThat(register.add(4, T0 + 1)).isEqualTo(4_294_967_300L);
        }
    }

    @Test
    void refusesALowerValueOrAnEarlierOrEqualTimeAndWritesNothing() throws IOException {
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            register.advanceTo(1_000, T0 + 10_000);
            String before = Files.readString(dir.resolve("co2e-register"));
            assertThat(refusal(() -> register.advanceTo(999, T0 + 20_000)).code()).isEqualTo(ErrorCode.REGISTER_DECREASED);
            assertThat(refusal(() -> register.advanceTo(1_001, T0 + 5_000)).code()).isEqualTo(ErrorCode.REGISTER_DECREASED);
            assertThat(refusal(() -> register.add(1, T0 + 5_000)).code()).isEqualTo(ErrorCode.REGISTER_DECREASED);
            assertThat(refusal(() -> register.advanceTo(1_001, T0 + 10_000)).code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME);
            assertThat(refusal(() -> register.add(-1, T0 + 20_000)).code()).isEqualTo(ErrorCode.INVALID_VALUE);
            assertThat(refusal(() -> register.advanceTo(EmissionsRegister.MAX_GRAMS + 1, T0 + 20_000)).code())
                    .isEqualTo(ErrorCode.INVALID_VALUE);
            assertThat(register.grams()).isEqualTo(1_000);
            assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(before);
            register.advanceTo(1_000, T0 + 20_000);
            assertThat(register.timeMillis()).as("an unchanged value at a later time is a reading").isEqualTo(T0 + 20_000);
        }
    }

    @Test
    void refusesASumPastTwoToThe53() throws IOException {
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            register.advanceTo(EmissionsRegister.MAX_GRAMS - 5, T0);
            assertThat(refusal(() -> register.add(6, T0 + 1)).code()).isEqualTo(ErrorCode.INVALID_VALUE);
            assertThat(register.add(5, T0 + 1)).isEqualTo(EmissionsRegister.MAX_GRAMS);
        }
    }

    @Test
    void refusesACorruptFileInsteadOfResettingIt() throws IOException {
        for (String bad : List.of("not a register\n", EmissionsRegister.line(1_000, T0).replace("1000", "9000"),
                EmissionsRegister.line(1_000, T0).trim(), "")) {
            Files.writeString(dir.resolve("co2e-register"), bad);
            try (Outbox outbox = outbox()) {
                assertThatThrownBy(() -> EmissionsRegister.open(dir, outbox)).as(bad).isInstanceOf(IOException.class)
                        .hasMessageContaining("corrupt");
            }
            assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(bad);
        }
    }

    @Test
    void theOutboxIsAFloorWhenTheFileIsLostOrBehind() throws IOException {
        try (Outbox outbox = outbox()) {
            outbox.append(List.of(message(1, 0, new Reading(Quantity.CO2E_REGISTER, 7_000, T0), new Reading(Quantity.HUMIDITY, 40, T0 + 5)),
                    message(1, 1, new Reading(Quantity.CO2E_REGISTER, 9_000, T0 + 60_000)),
                    message(1, 2, new Reading(Quantity.TEMPERATURE, 4, T0 + 90_000))));
            outbox.markRejected(1, 1, "REGISTER_DECREASED", "kept aside, still a floor");
        }
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            assertThat(register.grams()).isEqualTo(9_000);
            assertThat(register.timeMillis()).isEqualTo(T0 + 60_000);
            assertThat(Files.readString(dir.resolve("co2e-register"))).isEqualTo(EmissionsRegister.line(9_000, T0 + 60_000));
        }
        Files.writeString(dir.resolve("co2e-register"), EmissionsRegister.line(8_000, T0 + 100_000));
        try (Outbox outbox = outbox()) {
            EmissionsRegister register = EmissionsRegister.open(dir, outbox);
            assertThat(register.grams()).isEqualTo(9_000);
            assertThat(register.timeMillis()).isEqualTo(T0 + 100_000);
        }
        Files.writeString(dir.resolve("co2e-register"), EmissionsRegister.line(20_000, T0 + 200_000));
        try (Outbox outbox = outbox()) {
            assertThat(EmissionsRegister.open(dir, outbox).grams()).as("a file ahead of the outbox stays").isEqualTo(20_000);
        }
    }

    private static OutboxMessage message(long boot, long seq, Reading... readings) {
        byte[] bytes = ReadingMessages.sign(new ReadingPack("stack-1", List.of(readings)), boot, seq, T0, KEY);
        return new OutboxMessage(new MessageId(boot, seq), readings.length, bytes);
    }
}
