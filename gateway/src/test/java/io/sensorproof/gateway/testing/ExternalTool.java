package io.sensorproof.gateway.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that need a system package (Mosquitto, libcoap's coap-client) skip without it on a
 * developer's machine, but fail in CI: {@code .ci/run} installs the packages and exports
 * {@value #REQUIRE_VARIABLE}{@code =true}, so a missing tool there is an error, never a silent skip.
 */
public final class ExternalTool {
    /** Environment variable (or system property) that turns a missing tool into a failure. */
    public static final String REQUIRE_VARIABLE = "SENSORPROOF_REQUIRE_TEST_TOOLS";

    private ExternalTool() {
    }

    /** Skips the test when {@code available} is false, or fails it when {@value #REQUIRE_VARIABLE} is true. */
    public static void require(boolean available, String whatIsMissing) {
        if (available) {
            return;
        }
        if (required()) {
            fail(whatIsMissing + " (" + REQUIRE_VARIABLE + "=true: .ci/run requires every test tool)");
        }
        assumeTrue(false, whatIsMissing);
    }

    static boolean required() {
        String value = System.getenv(REQUIRE_VARIABLE);
        if (value == null) {
            value = System.getProperty(REQUIRE_VARIABLE);
        }
        return "true".equalsIgnoreCase(value);
    }
}
