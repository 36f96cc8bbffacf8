package io.sensorproof.gateway.collateral;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A minimal server-sent events client for tests: opens the stream with an API key (and optionally
 * {@code Last-Event-ID}), parses {@code id:}, {@code event:} and {@code data:} lines into {@link Event}s
 * as they arrive, and closes by cancelling the request.
 */
final class SseClient implements AutoCloseable {
    /** One event as received. */
    record Event(long id, String type, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile int status;

    private SseClient(URI uri, String key, Long lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", String.valueOf(lastEventId));
        }
        response = HttpClient.newHttpClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            status = r.statusCode();
            List<String> lines = new ArrayList<>();
            r.body().forEach(line -> {
                if (line.isEmpty()) {
                    flush(lines);
                } else {
                    lines.add(line);
                }
            });
        });
    }

    static SseClient open(URI uri, String key, Long lastEventId) {
        return new SseClient(uri, key, lastEventId);
    }

    /** The HTTP status, 0 until the response head arrived. */
    int status() {
        return status;
    }

    /** The events received so far, in order. */
    List<Event> events() {
        return List.copyOf(events);
    }

    private void flush(List<String> lines) {
        long id = -1;
        String type = null;
        StringBuilder data = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).strip());
            } else if (line.startsWith("event:")) {
                type = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
        lines.clear();
        if (id >= 0) {
            events.add(new Event(id, type, data.toString()));
        }
    }

    @Override
    public void close() {
        response.cancel(true);
        response.thenAccept(r -> r.body().close());
    }
}
