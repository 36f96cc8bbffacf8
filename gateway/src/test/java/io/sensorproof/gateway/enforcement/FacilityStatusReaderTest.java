package io.sensorproof.gateway.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.enforcement.FacilityStatusReader.FacilityStatus;
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

/** The frozen flag and lastUnfreeze of {@code facility(id)}'s return data, encoded here by web3j's own struct encoder. */
class FacilityStatusReaderTest {
    private static String encoded(int state, boolean frozen, long lastUnfreeze) {
        StaticStruct watch = new StaticStruct(new Uint8(1), new Uint64(27_515), new Uint64(28_115), new Uint64(20_000),
                new Uint64(1_500), new Uint64(1_000), new Uint64(600_000), new Uint8(1));
        DynamicStruct terms = new DynamicStruct(new Uint256(5000), new DynamicArray<>(Uint256.class, List.of(new Uint256(11))),
                new DynamicArray<>(StaticStruct.class, List.of(watch)));
        DynamicStruct view = new DynamicStruct(new Address("0x00000000000000000000000000000000000000b1"),
                new Address("0x00000000000000000000000000000000000000b2"), new Uint8(state), new Uint256(5000),
                new Uint256(7), new Bool(frozen), new Uint64(lastUnfreeze), new Uint32(1), terms);
        return "0x" + FunctionEncoder.encodeConstructor(List.<Type>of(view));
    }

    @Test
    void readsTheFrozenFlagAndTheLastUnfreeze() {
        FacilityStatus frozen = FacilityStatusReader.decode(encoded(2, true, 0));
        assertThat(frozen.frozen()).isTrue();
        assertThat(frozen.lastUnfreezeSeconds()).isZero();
        assertThat(frozen.facility().state()).isEqualTo(2);
        assertThat(frozen.facility().devices()).containsExactly(BigInteger.valueOf(11));
        assertThat(frozen.facility().watches()).hasSize(1);

        FacilityStatus unfrozen = FacilityStatusReader.decode(encoded(2, false, 1_800_000_123L));
        assertThat(unfrozen.frozen()).isFalse();
        assertThat(unfrozen.lastUnfreezeSeconds()).isEqualTo(1_800_000_123L);
    }

    @Test
    void refusesDataThatIsNotAFacilityView() {
        String data = encoded(2, false, 5);
        assertThatThrownBy(() -> FacilityStatusReader.decode(data.substring(0, 2 + 64 * 4))).isInstanceOf(IllegalStateException.class);
    }
}
