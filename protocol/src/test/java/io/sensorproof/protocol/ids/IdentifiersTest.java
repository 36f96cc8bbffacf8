package io.sensorproof.protocol.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    /** The grammar of protocol section 1 as a regular expression: the reference the hand-written check must equal. */
    private static final Pattern GRAMMAR = Pattern.compile("[a-z0-9][a-z0-9._-]{0,30}");

    @Property(tries = 5000)
    void isValidAgreesWithTheGrammarsRegularExpression(@ForAll("nearIds") String id) {
        assertThat(Identifiers.isValid(id)).as("'%s'", id).isEqualTo(GRAMMAR.matcher(id).matches());
    }

    /** Strings of 0 to 34 characters, mostly from the alphabet, with its boundary characters and a few others. */
    @Provide
    Arbitrary<String> nearIds() {
        return Arbitraries.strings().withChars("az09._-")
                .withChars("/`{@[:+#$ AZ\u00e9\u0000")
                .withCharRange('a', 'z')
                .ofMinLength(0).ofMaxLength(34);
    }

    @Test
    void everySingleCharacterIsJudgedLikeTheGrammar() {
        for (char c = 0; c < 0x180; c++) {
            String one = String.valueOf(c);
            assertThat(Identifiers.isValid(one)).as("U+%04X first", (int) c).isEqualTo(GRAMMAR.matcher(one).matches());
            String later = "a" + c;
            assertThat(Identifiers.isValid(later)).as("U+%04X later", (int) c).isEqualTo(GRAMMAR.matcher(later).matches());
        }
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
