package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code -Dbench.store.args} reaches {@link MessageStoreThroughput} unchecked: "x 2" used to end the {@code -Pbench} run
 * in a {@code NumberFormatException} stack trace.
 */
class MessageStoreThroughputArgumentsTest {
    @Test
    void defaultsAndGivenValues() {
        assertThat(MessageStoreThroughput.arguments(new String[0])).containsExactly(5, 4);
        assertThat(MessageStoreThroughput.arguments(new String[] {"3"})).containsExactly(3, 4);
        assertThat(MessageStoreThroughput.arguments(new String[] {"5", "2"})).containsExactly(5, 2);
    }

    @Test
    void whatCannotRunIsRefusedByName() {
        assertThatThrownBy(() -> MessageStoreThroughput.arguments(new String[] {"x", "2"})).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("seconds per case must be a whole number of at least 1, got 'x'");
        assertThatThrownBy(() -> MessageStoreThroughput.arguments(new String[] {"5", "0"}))
                .hasMessage("workers must be a whole number of at least 1, got '0'");
        assertThatThrownBy(() -> MessageStoreThroughput.arguments(new String[] {"5", "2", "1"})).hasMessageContaining("usage");
    }
}
