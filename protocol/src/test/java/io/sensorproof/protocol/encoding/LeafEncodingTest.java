package io.sensorproof.protocol.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class LeafEncodingTest {

    @Test
    void packsPartsAtTheDocumentedPositions() {
        LeafEncoding leaf = LeafEncoding.of("d1", 3, 42, 5, Quantity.HUMIDITY, 1_764_000_000_123L, 5556);
        assertThat(leaf.inputs()).containsExactly(BigInteger.ONE, Identifiers.deviceField("d1"),
                BigInteger.valueOf(3L * (1L << 32) + 42), BigInteger.valueOf(5 * 256 + 2),
                BigInteger.valueOf(1_764_000_000_123L), BigInteger.valueOf(5556));
    }

    @Test
    void maximaStayWithinTheirBounds() {
        LeafEncoding leaf = LeafEncoding.of("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 0xffff_ffffL, 0xffff_ffffL, 255, Quantity.CO2E_REGISTER,
                (1L << 43) - 1, (1L << 53) - 1);
        assertThat(leaf.device().bitLength()).isLessThanOrEqualTo(248);
        assertThat(leaf.bootSeq().bitLength()).isEqualTo(64);
        assertThat(leaf.indexQuantity().bitLength()).isLessThanOrEqualTo(16);
        assertThat(leaf.timeMillis().bitLength()).isEqualTo(43);
        assertThat(leaf.value().bitLength()).isEqualTo(53);
    }

    @Test
    void refusesPartsOutOfRange() {
        assertThatThrownBy(() -> LeafEncoding.of("d1", 1L << 32, 0, 0, Quantity.CO2E_REGISTER, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeafEncoding.of("d1", 0, 0, 256, Quantity.CO2E_REGISTER, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeafEncoding.of("d1", 0, 0, 0, Quantity.CO2E_REGISTER, 1L << 43, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeafEncoding.of("d1", 0, 0, 0, Quantity.CO2E_REGISTER, 0, 1L << 53)).isInstanceOf(IllegalArgumentException.class);
    }
}
