package io.sensorproof.protocol.senml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORDouble;
import com.authlete.cbor.CBORInteger;
import com.authlete.cbor.CBORItem;
import com.authlete.cbor.CBORItemList;
import com.authlete.cbor.CBORPair;
import com.authlete.cbor.CBORPairList;
import com.authlete.cbor.CBORString;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SenmlCodecTest {
    private static final double T0 = 1_764_000_000.0;

    private static CBORPair p(int label, CBORItem value) {
        return new CBORPair(new CBORInteger(label), value);
    }

    private static CBORPairList record(String bn, String n, String u, double v, double t) {
        List<CBORPair> pairs = new ArrayList<>();
        if (bn != null) {
            pairs.add(p(-2, new CBORString(bn)));
        }
        pairs.add(p(0, new CBORString(n)));
        pairs.add(p(1, new CBORString(u)));
        pairs.add(p(2, new CBORDouble(v)));
        pairs.add(p(6, new CBORDouble(t)));
        return new CBORPairList(pairs);
    }

    private static byte[] pack(CBORPairList... records) {
        return new CBORItemList(records).encode();
    }

    private static void assertCode(byte[] payload, ErrorCode code) {
        assertThatThrownBy(() -> SenmlCodec.decode(payload))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void roundTripsAPack() {
        ReadingPack pack = TestKeys.samplePack(SenmlCodec.MAX_RECORDS);
        assertThat(SenmlCodec.decode(SenmlCodec.encode(pack))).isEqualTo(pack);
    }

    @Test
    void acceptsIntegerTimesAndValues() {
        byte[] payload = new CBORItemList(new CBORPairList(p(-2, new CBORString("d1")), p(0, new CBORString("humidity")),
                p(1, new CBORString("%RH")), p(2, new CBORInteger(55)), p(6, new CBORInteger((int) T0)))).encode();
        ReadingPack decoded = SenmlCodec.decode(payload);
        assertThat(decoded.readings().get(0)).isEqualTo(new Reading(Quantity.HUMIDITY, 55.0, 1_764_000_000_000L));
    }

    @Test
    void rejectsRelativeTime() {
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, 1000)), ErrorCode.INVALID_SENML);
    }

    @Test
    void rejectsTimesGoingBackwards() {
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, T0 + 1), record(null, "temperature", "Cel", 4.0, T0)),
                ErrorCode.INVALID_SENML);
    }

    @Test
    void rejectsMissingOrChangingOrRepeatedBaseName() {
        assertCode(pack(record(null, "temperature", "Cel", 4.0, T0)), ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, T0), record("d2", "temperature", "Cel", 4.0, T0)),
                ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, T0), record("d1", "temperature", "Cel", 4.0, T0)),
                ErrorCode.INVALID_SENML);
        assertCode(pack(record("D/1", "temperature", "Cel", 4.0, T0)), ErrorCode.INVALID_SENML);
    }

    @Test
    void rejectsWrongUnitOrUnknownName() {
        assertCode(pack(record("d1", "temperature", "K", 277.0, T0)), ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "pressure", "Pa", 1.0, T0)), ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "co2e-register", "kg", 1.0, T0)), ErrorCode.INVALID_SENML);
    }

    @Test
    void refusesTheRetiredIntervalCo2eLikeAnyUnknownName() {
        assertCode(pack(record("d1", "co2e", "kg", 1.5, T0)), ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "co2e", "g", 1500, T0)), ErrorCode.INVALID_SENML);
    }

    @Test
    void rejectsLabelsOutsideTheProfile() {
        CBORPairList withSum = new CBORPairList(p(-2, new CBORString("d1")), p(0, new CBORString("co2e-register")),
                p(1, new CBORString("g")), p(2, new CBORDouble(1.0)), p(6, new CBORDouble(T0)), p(5, new CBORDouble(1.0)));
        assertCode(pack(withSum), ErrorCode.INVALID_SENML);
    }

    @Test
    void rejectsDuplicateLabel() {
        CBORPairList dup = new CBORPairList(p(-2, new CBORString("d1")), p(0, new CBORString("co2e-register")),
                p(1, new CBORString("g")), p(2, new CBORDouble(1.0)), p(2, new CBORDouble(2.0)), p(6, new CBORDouble(T0)));
        assertCode(pack(dup), ErrorCode.DUPLICATE_KEY);
    }

    @Test
    void rejectsTooManyRecords() {
        CBORPairList[] records = new CBORPairList[SenmlCodec.MAX_RECORDS + 1];
        records[0] = record("d1", "humidity", "%RH", 50, T0);
        for (int i = 1; i < records.length; i++) {
            records[i] = record(null, "humidity", "%RH", 50, T0);
        }
        assertCode(pack(records), ErrorCode.TOO_MANY_RECORDS);
    }

    @Test
    void rejectsEmptyPackAndNonArrayPayload() {
        assertCode(new CBORItemList().encode(), ErrorCode.INVALID_SENML);
        assertCode(new CBORString("x").encode(), ErrorCode.INVALID_SENML);
    }

    @Test
    void nonFiniteValuesDecodeButFailTheValueCheck() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -273.16, 1000.01}) {
            ReadingPack decoded = SenmlCodec.decode(pack(record("d1", "temperature", "Cel", bad, T0)));
            assertThatThrownBy(decoded::checkValues)
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        }
    }

    @Test
    void registerValuesPastTwoToThe32DecodeExactly() {
        ReadingPack decoded = SenmlCodec.decode(pack(record("d1", "co2e-register", "g", 9_007_199_254_740_991.0, T0)));
        decoded.checkValues();
        assertThat(decoded.readings().get(0).fixedValue()).isEqualTo(9_007_199_254_740_991L);
    }

    @Test
    void rejectsNonFiniteTime() {
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, Double.NaN)), ErrorCode.INVALID_SENML);
        assertCode(pack(record("d1", "temperature", "Cel", 4.0, Double.POSITIVE_INFINITY)), ErrorCode.INVALID_SENML);
    }
}
