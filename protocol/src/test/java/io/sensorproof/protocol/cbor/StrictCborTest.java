package io.sensorproof.protocol.cbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.authlete.cbor.CBORPairList;
import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StrictCborTest {
    private static final CborLimits LIMITS = new CborLimits(1024, 4, 100);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "9f01ff, MALFORMED_CBOR",          // indefinite-length array
        "5f4101ff, MALFORMED_CBOR",        // indefinite-length byte string
        "ff, MALFORMED_CBOR",              // lone break
        "1c, MALFORMED_CBOR",              // reserved additional information 28
        "1a0001, MALFORMED_CBOR",          // truncated 4-byte argument
        "5a7fffffff00, MALFORMED_CBOR",    // byte string declaring 2 GiB
        "9bffffffffffffffff, MALFORMED_CBOR", // array declaring 2^64-1 entries
        "bb7fffffffffffffff, MALFORMED_CBOR", // map declaring 2^63-1 entries
        "f810, MALFORMED_CBOR",            // simple value below 32 in two-byte form
        "0101, TRAILING_BYTES",
        "8181818181, NESTING_TOO_DEEP",
        "c1c1c1c101, NESTING_TOO_DEEP",    // tags count as nesting
        "62c328, MALFORMED_CBOR"           // invalid UTF-8 in a text string
    })
    void rejectsWithCode(String hex, ErrorCode code) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> StrictCbor.decode(bytes, LIMITS))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void rejectsOversizedBeforeLookingAtContent() {
        assertThatThrownBy(() -> StrictCbor.decode(new byte[1025], LIMITS))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERSIZED));
    }

    @Test
    void rejectsEmptyInput() {
        assertThatThrownBy(() -> StrictCbor.decode(new byte[0], LIMITS))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_CBOR));
    }

    @Test
    void rejectsTooManyItems() {
        byte[] bytes = new byte[102];
        bytes[0] = (byte) 0x98;
        bytes[1] = (byte) 100;
        assertThatThrownBy(() -> StrictCbor.decode(bytes, LIMITS))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_CBOR));
    }

    @Test
    void acceptsNestingUpToTheLimit() {
        assertThat(StrictCbor.decode(HexFormat.of().parseHex("81818101"), LIMITS)).isNotNull();
    }

    @Test
    void duplicateKeysAreDetectedAcrossIntegerEncodings() {
        // {1: 0, 1 (encoded in two bytes): 0}
        CBORPairList map = (CBORPairList) StrictCbor.decode(HexFormat.of().parseHex("a201001801" + "00"), LIMITS);
        assertThatThrownBy(() -> CborMaps.entries(map, ErrorCode.INVALID_HEADER, "map"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DUPLICATE_KEY));
    }

    @Test
    void integerAndTextKeysAreDistinct() {
        // {1: 0, "1": 0}
        CBORPairList map = (CBORPairList) StrictCbor.decode(HexFormat.of().parseHex("a201006131" + "00"), LIMITS);
        assertThat(CborMaps.entries(map, ErrorCode.INVALID_HEADER, "map")).containsOnlyKeys(1L, "1");
    }

    @Test
    void countsEveryItemOnceSoWorkIsLinearInSize() {
        byte[] bytes = HexFormat.of().parseHex("83010203");
        assertThat(StrictCbor.check(bytes, LIMITS)).isEqualTo(4);
    }
}
