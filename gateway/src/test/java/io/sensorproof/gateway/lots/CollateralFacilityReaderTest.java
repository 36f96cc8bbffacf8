package io.sensorproof.gateway.lots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainFacility;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;

/** Decoding of {@code facility(id)}'s return data, encoded here by web3j's own struct encoder. */
class CollateralFacilityReaderTest {
    private static StaticStruct watch(int q, long lo, long hi, long minD, long gap, long interval, long age, int k) {
        return new StaticStruct(new Uint8(q), new Uint64(lo), new Uint64(hi), new Uint64(minD), new Uint64(gap),
                new Uint64(interval), new Uint64(age), new Uint8(k));
    }

    private static String encoded(int state, List<BigInteger> devices, List<StaticStruct> watches) {
        DynamicStruct terms = new DynamicStruct(new Uint256(5000),
                new DynamicArray<>(Uint256.class, devices.stream().map(Uint256::new).toList()),
                watches.isEmpty() ? new DynamicArray<>(StaticStruct.class, List.of()) : new DynamicArray<>(StaticStruct.class, watches));
        DynamicStruct view = new DynamicStruct(new Address("0x00000000000000000000000000000000000000b1"),
                new Address("0x00000000000000000000000000000000000000b2"), new Uint8(state), new Uint256(5000),
                new Uint256(0), new Bool(false), new Uint64(0), new Uint32(1), terms);
        return "0x" + FunctionEncoder.encodeConstructor(List.<Type>of(view));
    }

    @Test
    void decodesStateDevicesAndEveryWatchField() {
        String data = encoded(2, List.of(BigInteger.valueOf(11), BigInteger.valueOf(12)), List.of(
                watch(1, 27315, 28115, 600_000, 90_000, 60_000, 86_400_000, 2),
                watch(2, 100, 8000, 1, 2, 3, 4, 1)));
        ChainFacility f = CollateralFacilityReader.decode(data);
        assertThat(f.state()).isEqualTo(2);
        assertThat(f.devices()).containsExactly(BigInteger.valueOf(11), BigInteger.valueOf(12));
        assertThat(f.watches()).containsExactly(
                new ChainWatch(1, big(27315), big(28115), big(600_000), big(90_000), big(60_000), big(86_400_000), 2),
                new ChainWatch(2, big(100), big(8000), big(1), big(2), big(3), big(4), 1));
    }

    @Test
    void decodesAFacilityWithoutWatches() {
        ChainFacility f = CollateralFacilityReader.decode(encoded(1, List.of(BigInteger.ONE), List.of()));
        assertThat(f.state()).isEqualTo(1);
        assertThat(f.watches()).isEmpty();
    }

    @Test
    void refusesTruncatedData() {
        String data = encoded(1, List.of(BigInteger.ONE), List.of(watch(1, 1, 2, 3, 4, 5, 6, 1)));
        assertThatThrownBy(() -> CollateralFacilityReader.decode(data.substring(0, data.length() - 128)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }
}
