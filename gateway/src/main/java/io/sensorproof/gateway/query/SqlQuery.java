package io.sensorproof.gateway.query;

import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A SELECT assembled from optional filters, with numbered parameters ({@code $1, $2, ...}) so that
 * values never become SQL text. Also the conversions between instants, bound timestamps and the
 * microsecond numbers in cursors (timestamptz keeps microseconds, so cursors are exact).
 */
final class SqlQuery {
    private final StringBuilder sql;
    private final List<Object> params = new ArrayList<>();
    private boolean hasWhere;

    SqlQuery(String select) {
        this.sql = new StringBuilder(select);
    }

    /** Adds {@code condition}, where each {@code ?} is replaced by the next of {@code values}. */
    SqlQuery where(String condition, Object... values) {
        StringBuilder c = new StringBuilder();
        int next = 0;
        for (char ch : condition.toCharArray()) {
            if (ch == '?') {
                c.append('$').append(param(values[next++]));
            } else {
                c.append(ch);
            }
        }
        if (next != values.length) {
            throw new IllegalArgumentException("condition has " + next + " placeholders, " + values.length + " values");
        }
        sql.append(hasWhere ? " AND " : " WHERE ").append(c);
        hasWhere = true;
        return this;
    }

    /** Appends {@code ORDER BY ... LIMIT n}. */
    SqlQuery orderAndLimit(String orderBy, int limit) {
        sql.append(" ORDER BY ").append(orderBy).append(" LIMIT $").append(param(limit));
        return this;
    }

    String sql() {
        return sql.toString();
    }

    Tuple tuple() {
        return Tuple.from(params);
    }

    private int param(Object value) {
        params.add(value);
        return params.size();
    }

    static OffsetDateTime bind(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant fromMicros(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
