package io.sensorproof.gateway.standalone;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * What reaches the console (issue 16: a plain start "prints where the dashboard is and how to sign in,
 * not the framework's noise"): the gateway's own records ({@code io.sensorproof.*}) from INFO up, and
 * anybody's warnings and errors. The frameworks' INFO lines (Flyway's migrations, Californium's
 * defaults, Quarkus's feature list) are left out of the console only: the JSON log file under the data
 * directory keeps every record, this filter is set on the console handler alone
 * ({@code quarkus.log.console.filter}).
 */
@LoggingFilter(name = "sensorproof-console")
public final class ConsoleFilter implements Filter {
    /** Logger names kept on the console at INFO. */
    static final String OWN_PREFIX = "io.sensorproof.";

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            return true;
        }
        String name = record.getLoggerName();
        return name != null && name.startsWith(OWN_PREFIX);
    }
}
