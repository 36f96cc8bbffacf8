package io.sensorproof.protocol.senml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORDouble;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The in-pack rules of protocol §4 step 8: one reading per quantity and time, and an emissions
 * register that never decreases within a pack; each with an honest twin that passes.
 */
class ReadingPackRulesTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final SigningKey KEY = TestKeys.key(SignatureAlgorithm.ES256);

    private static ReadingPack pack(Reading... readings) {
        return new ReadingPack("stack-1", List.of(readings));
    }

    private static Reading register(double grams, long time) {
        return new Reading(Quantity.CO2E_REGISTER, grams, time);
    }

    private static void assertRefused(ReadingPack pack, ErrorCode code, String recordNamed) {
        assertThatThrownBy(pack::checkValues).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).startsWith(recordNamed);
        });
    }

    @Test
    void refusesTwoReadingsOfOneQuantityAtTheSameMillisecond() {
        assertRefused(pack(new Reading(Quantity.TEMPERATURE, 4.0, T0), new Reading(Quantity.HUMIDITY, 50, T0),
                new Reading(Quantity.TEMPERATURE, 4.1, T0)), ErrorCode.DUPLICATE_READING_TIME, "record 2");
        assertRefused(pack(register(10, T0), register(10, T0)), ErrorCode.DUPLICATE_READING_TIME, "record 1");
        // honest twins: another quantity at the same time, or the same quantity one ms later
        assertThatCode(() -> pack(new Reading(Quantity.TEMPERATURE, 4.0, T0), new Reading(Quantity.HUMIDITY, 50, T0),
                register(10, T0)).checkValues()).doesNotThrowAnyException();
        assertThatCode(() -> pack(new Reading(Quantity.TEMPERATURE, 4.0, T0), new Reading(Quantity.TEMPERATURE, 4.0, T0 + 1))
                .checkValues()).doesNotThrowAnyException();
    }

    @Test
    void comparesTimesAfterRoundingToTheMillisecond() {
        // 1764000000.0004 s and 1764000000.0001 s are both t = ...000 ms after §7.1 rounding
        ReadingPack decoded = SenmlCodec.decode(SenmlCodec.encode(pack(new Reading(Quantity.TEMPERATURE, 4.0, T0))));
        assertThat(decoded.readings().get(0).timeMillis()).isEqualTo(T0);
        byte[] twoCloseTimes = new CBORItemList(
                record("stack-1", "temperature", "Cel", 4.0, 1_764_000_000.0001),
                record(null, "temperature", "Cel", 4.5, 1_764_000_000.0004)).encode();
        assertRefused(SenmlCodec.decode(twoCloseTimes), ErrorCode.DUPLICATE_READING_TIME, "record 1");
    }

    @Test
    void refusesARegisterLowerThanAnEarlierRegisterRecord() {
        assertRefused(pack(register(1_000, T0), register(1_500, T0 + 1000), register(1_499, T0 + 2000)),
                ErrorCode.REGISTER_DECREASED, "record 2");
        // honest twins: equal and increasing registers, and other quantities are not registers
        assertThatCode(() -> pack(register(1_000, T0), register(1_000, T0 + 1000), new Reading(Quantity.HUMIDITY, 10, T0 + 1500),
                register(1_001, T0 + 2000)).checkValues()).doesNotThrowAnyException();
        assertThatCode(() -> pack(new Reading(Quantity.TEMPERATURE, 30, T0), new Reading(Quantity.TEMPERATURE, 3, T0 + 1000))
                .checkValues()).doesNotThrowAnyException();
    }

    @Test
    void registersPastTwoToThe32CompareExactly() {
        assertRefused(pack(register(9_007_199_254_740_990.0, T0), register(9_007_199_254_740_989.0, T0 + 1)),
                ErrorCode.REGISTER_DECREASED, "record 1");
        assertThatCode(() -> pack(register(4_294_967_296.0, T0), register(9_007_199_254_740_991.0, T0 + 1)).checkValues())
                .doesNotThrowAnyException();
    }

    @Test
    void anInvalidValueIsReportedBeforeALaterRuleOfTheSameRecord() {
        assertRefused(pack(register(1_000, T0), register(-1, T0)), ErrorCode.INVALID_VALUE, "record 1");
        assertRefused(pack(register(1_000, T0), register(999.5, T0 + 1)), ErrorCode.INVALID_VALUE, "record 1");
    }

    @Test
    void rulesApplyAfterTheSignatureWhenAMessageIsOpened() {
        byte[] signed = ReadingMessages.sign(pack(register(5, T0), register(4, T0 + 1)), 1, 1, T0, KEY);
        assertThatThrownBy(() -> ReadingMessages.open(signed, kid -> Optional.of(KEY.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTER_DECREASED));
        byte[] tampered = signed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> ReadingMessages.open(tampered, kid -> Optional.of(KEY.verificationKey())))
                .as("an unsigned pack is refused for its signature before its values are looked at")
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
        byte[] duplicate = ReadingMessages.sign(pack(register(5, T0), register(6, T0)), 1, 2, T0, KEY);
        assertThatThrownBy(() -> ReadingMessages.open(duplicate, kid -> Optional.of(KEY.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_READING_TIME));
    }

    /** Differential fuzzing: the linear check agrees with a quadratic reference on random packs. */
    @Property(tries = 3000)
    void agreesWithAQuadraticReference(@ForAll("packs") List<Reading> readings) {
        ReadingPack pack = new ReadingPack("stack-1", readings);
        Optional<String> expected = reference(readings);
        Optional<String> actual;
        try {
            pack.checkValues();
            actual = Optional.empty();
        } catch (ProtocolException e) {
            actual = Optional.of(e.code() + " " + e.getMessage().substring(0, e.getMessage().indexOf(':')));
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** The rules as stated, pair by pair: the first record breaking one, and its first broken rule. */
    private static Optional<String> reference(List<Reading> readings) {
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            if (!Double.isFinite(r.value()) || r.value() < r.quantity().min().doubleValue() || r.value() > r.quantity().max().doubleValue()
                    || (r.quantity() == Quantity.CO2E_REGISTER && r.value() != Math.floor(r.value()))) {
                return Optional.of("INVALID_VALUE record " + i);
            }
            for (int j = 0; j < i; j++) {
                if (readings.get(j).quantity() == r.quantity() && readings.get(j).timeMillis() == r.timeMillis()) {
                    return Optional.of("DUPLICATE_READING_TIME record " + i);
                }
            }
            for (int j = 0; j < i; j++) {
                if (r.quantity() == Quantity.CO2E_REGISTER && readings.get(j).quantity() == Quantity.CO2E_REGISTER
                        && readings.get(j).value() > r.value()) {
                    return Optional.of("REGISTER_DECREASED record " + i);
                }
            }
        }
        return Optional.empty();
    }

    @Provide
    Arbitrary<List<Reading>> packs() {
        Arbitrary<Quantity> quantity = Arbitraries.of(Quantity.class);
        Arbitrary<Long> time = Arbitraries.longs().between(0, 12).map(dt -> T0 + dt);
        Arbitrary<Double> value = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 40).map(i -> 1_000.0 + i)),
                Tuple.of(1, Arbitraries.of(-1.0, 0.5, Double.NaN, 9_007_199_254_740_992.0, 4_294_967_296.0)));
        return Combinators.combine(quantity, time, value).as((q, t, v) -> new Reading(q, q == Quantity.CO2E_REGISTER ? v : v / 100, t))
                .list().ofMinSize(1).ofMaxSize(24)
                .map(list -> {
                    List<Reading> sorted = new ArrayList<>(list);
                    sorted.sort(Comparator.comparingLong(Reading::timeMillis));
                    return sorted;
                });
    }

    private static CBORPairList record(String bn, String n, String u, double v, double t) {
        List<CBORPair> pairs = new ArrayList<>();
        if (bn != null) {
            pairs.add(new CBORPair(new CBORInteger(-2), new CBORString(bn)));
        }
        pairs.add(new CBORPair(new CBORInteger(0), new CBORString(n)));
        pairs.add(new CBORPair(new CBORInteger(1), new CBORString(u)));
        pairs.add(new CBORPair(new CBORInteger(2), new CBORDouble(v)));
        pairs.add(new CBORPair(new CBORInteger(6), new CBORDouble(t)));
        return new CBORPairList(pairs);
    }
}
