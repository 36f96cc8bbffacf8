package io.sensorproof.protocol.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdentifiersTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "cold-room-7", "site.a_01", "abcdefghijklmnopqrstuvwxyz01234"})
    void acceptsValidIds(String id) {
        assertThat(Identifiers.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-a", ".a", "_a", "A", "dev/1", "dev+1", "dev#1", "$sys", "dev 1", "dév", "abcdefghijklmnopqrstuvwxyz012345"})
    void rejectsInvalidIds(String id) {
        assertThat(Identifiers.isValid(id)).isFalse();
        assertThatThrownBy(() -> Identifiers.requireValid(id, "device id"))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER));
    }

    @Test
    void deviceFieldIsInjectiveAndBelow2To248() {
        BigInteger longest = Identifiers.deviceField("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
        assertThat(longest.bitLength()).isLessThanOrEqualTo(248);
        assertThat(Identifiers.deviceField("a")).isEqualTo(BigInteger.valueOf('a'));
        assertThat(Identifiers.deviceField("ab")).isNotEqualTo(Identifiers.deviceField("ba"));
        assertThat(Identifiers.deviceIdOfField(Identifiers.deviceField("cold-room-7"))).isEqualTo("cold-room-7");
    }

    @Test
    void buildsAndParsesTopicsAndCoapPaths() {
        assertThat(Topics.up("acme", "cold-room-7")).isEqualTo("t/acme/d/cold-room-7/up");
        assertThat(Topics.ack("acme", "cold-room-7")).isEqualTo("t/acme/d/cold-room-7/ack");
        Topics.Address address = Topics.parse("t/acme/d/cold-room-7/up");
        assertThat(address).isEqualTo(new Topics.Address("acme", "cold-room-7", Topics.Channel.UP));
        assertThat(address.coapPath()).containsExactly("t", "acme", "d", "cold-room-7", "up");
        assertThat(Topics.parseCoapPath(List.of("t", "acme", "d", "x", "ack")).channel()).isEqualTo(Topics.Channel.ACK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"t/acme/d/x", "t/acme/d/x/up/more", "t/acme/x/y/up", "t/Acme/d/x/up", "t/acme/d/+/up", "t/acme/d/x/down", "/t/acme/d/x/up"})
    void rejectsOtherTopics(String topic) {
        assertThatThrownBy(() -> Topics.parse(topic))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_IDENTIFIER));
    }
}
