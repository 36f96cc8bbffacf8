package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * The leaf inputs this module hashes are exactly those the protocol module defines (protocol is a
 * test-scope dependency only: the main code of this module needs the JDK alone).
 */
class LeafEncodingConsistencyTest {
    @Test
    void committedReadingHasTheProtocolsLeafInputs() {
        long[][] cases = {
            {0, 0, 0, 0},
            {7, 123456, 3, 1_767_225_600_123L},
            {(1L << 32) - 1, (1L << 32) - 1, 255, (1L << 43) - 1},
        };
        for (long[] c : cases) {
            for (Quantity quantity : Quantity.values()) {
                double value = switch (quantity) {
                    case TEMPERATURE -> -40.0;
                    case CO2E_REGISTER -> 9_007_199_254_740_991.0; // 2^53 − 1 g, the largest register value
                    default -> 12.5;
                };
                long fixed = FixedPoint.encode(quantity, value);
                LeafEncoding expected = LeafEncoding.of("cold-store-7", c[0], c[1], (int) c[2], quantity, c[3], fixed);
                CommittedReading reading = new CommittedReading(Identifiers.deviceField("cold-store-7"), c[0], c[1],
                        (int) c[2], quantity.code(), c[3], fixed);
                assertThat(reading.fields().inputs()).isEqualTo(expected.inputs());
            }
        }
    }

    @Test
    void tagsAndEmptyLeafAgree() {
        assertThat(LeafFields.LEAF_TAG).isEqualTo(LeafEncoding.LEAF_TAG);
        assertThat(BatchTree.NODE_TAG).isEqualTo(LeafEncoding.NODE_TAG);
        assertThat(BatchTree.EMPTY_LEAF).isEqualTo(LeafEncoding.EMPTY_LEAF);
    }

    @Test
    void negativeTemperaturesAreOffsetSoRangeComparisonsStayUnsigned() {
        long minus40 = FixedPoint.encode(Quantity.TEMPERATURE, -40.0);
        long plus8 = FixedPoint.encode(Quantity.TEMPERATURE, 8.0);
        long minus18 = FixedPoint.encode(Quantity.TEMPERATURE, -18.0);
        assertThat(minus40).isEqualTo(23315);
        assertThat(minus40).isLessThan(minus18).isGreaterThanOrEqualTo(0);
        assertThat(minus18).isLessThan(plus8);
        assertThat(BigInteger.valueOf(minus40).bitLength()).isLessThanOrEqualTo(32);
    }
}
