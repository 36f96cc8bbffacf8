package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Scalar;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The .wtns reader on hand-built files: the layout snarkjs writes, and each malformation with its code. */
class WitnessFormatTest {
    static byte[] wtns(String magic, int version, int n8, BigInteger prime, int announced, BigInteger... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le32(version));
        out.writeBytes(le32(2));
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(le32(n8));
        header.writeBytes(leBytes(prime, n8));
        header.writeBytes(le32(announced));
        section(out, 1, header.toByteArray());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (BigInteger v : values) {
            data.writeBytes(leBytes(v, n8));
        }
        section(out, 2, data.toByteArray());
        return out.toByteArray();
    }

    static void section(ByteArrayOutputStream out, int type, byte[] data) {
        out.writeBytes(le32(type));
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array());
        out.writeBytes(data);
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] leBytes(BigInteger v, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = v.shiftRight(8 * i).byteValue();
        }
        return out;
    }

    private static final BigInteger R = Scalar.ORDER;

    @Test
    void readsCanonicalLittleEndianValues() {
        BigInteger big = R.subtract(BigInteger.ONE);
        Witness w = Witness.read(wtns("wtns", 2, 32, R, 3, BigInteger.ONE, BigInteger.valueOf(9), big));
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.value(0)).isEqualTo(BigInteger.ONE);
        assertThat(w.value(1)).isEqualTo(BigInteger.valueOf(9));
        assertThat(w.value(2)).isEqualTo(big);
    }

    @Test
    void refusesMalformedFilesWithStableCodes() {
        BigInteger one = BigInteger.ONE;
        assertCode(wtns("zkey", 2, 32, R, 1, one), ProverErrorCode.MALFORMED_FILE);
        assertCode(wtns("wtns", 3, 32, R, 1, one), ProverErrorCode.MALFORMED_FILE);
        assertCode(wtns("wtns", 2, 32, Fp.MODULUS, 1, one), ProverErrorCode.WRONG_CURVE);
        assertCode(wtns("wtns", 2, 48, R, 1, one), ProverErrorCode.WRONG_CURVE);
        assertCode(wtns("wtns", 2, 32, R, 2, one), ProverErrorCode.SECTION_SIZE_MISMATCH);
        assertCode(wtns("wtns", 2, 32, R, 2, one, R), ProverErrorCode.VALUE_OUT_OF_RANGE);
        byte[] good = wtns("wtns", 2, 32, R, 2, one, one);
        assertCode(Arrays.copyOf(good, good.length - 1), ProverErrorCode.TRUNCATED);
        assertCode(Arrays.copyOf(good, 7), ProverErrorCode.TRUNCATED);
        // only the header section: the section table says 2, the file ends after one
        assertCode(Arrays.copyOf(good, 12 + 12 + 40), ProverErrorCode.TRUNCATED);
        byte[] oneSection = good.clone();
        ByteBuffer.wrap(oneSection).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        assertCode(Arrays.copyOf(oneSection, 12 + 12 + 40), ProverErrorCode.MISSING_SECTION);
    }

    private static void assertCode(byte[] file, ProverErrorCode code) {
        assertThatThrownBy(() -> Witness.read(file)).isInstanceOfSatisfying(ProverFailure.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
