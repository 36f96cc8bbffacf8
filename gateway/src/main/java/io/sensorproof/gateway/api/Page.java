package io.sensorproof.gateway.api;

import java.util.List;

/**
 * One page of a list: the items and the cursor for the next page, null on the last page. Pass
 * {@code nextCursor} back as the {@code cursor} query parameter, with the same filters.
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(items);
    }

    /** Builds a page from up to {@code limit + 1} fetched rows: the extra row only says there is more. */
    public static <T> Page<T> of(List<T> fetched, int limit, java.util.function.Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }
}
