package io.sensorproof.sim.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A client of {@code GET /api/v1/collateral-alerts/stream} (server-sent events): either a live
 * subscription that records every event on a thread of its own until {@link #close()}, or a one-shot
 * replay ({@code follow=false}) of the events after a {@code Last-Event-ID}.
 */
public final class AlertStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event: {@code id:}, {@code event:} and the parsed {@code data:}. */
    public record Event(long id, String type, JsonNode data) {
    }

    private final List<Event> events = new ArrayList<>();
    private final Stream<String> lines;
    private final Thread reader;

    private AlertStream(HttpResponse<Stream<String>> response) {
        this.lines = response.body();
        this.reader = new Thread(() -> parse(lines, this::add), "sse-" + response.uri().getPort());
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens a live stream with {@code key} and records its events until closed. */
    public static AlertStream follow(URI base, String key) {
        HttpRequest request = request(base, key, true, 0);
        try {
            HttpResponse<Stream<String>> response = HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            return new AlertStream(response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("opening the alert stream failed", e);
        }
    }

    /** The events after {@code lastEventId} the key may see, then the end ({@code follow=false}). */
    public static List<Event> replay(URI base, String key, long lastEventId) {
        try {
            HttpResponse<Stream<String>> response = HTTP.send(request(base, key, false, lastEventId), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("stream answered " + response.statusCode());
            }
            List<Event> out = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                parse(lines, out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The events received so far. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    private synchronized void add(Event e) {
        events.add(e);
    }

    private static HttpRequest request(URI base, String key, boolean follow, long lastEventId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/v1/collateral-alerts/stream" + (follow ? "" : "?follow=false")))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET();
        if (lastEventId > 0) {
            b.header("Last-Event-ID", Long.toString(lastEventId));
        }
        return b.build();
    }

    private static void parse(Stream<String> lines, Consumer<Event> sink) {
        long[] id = {-1};
        String[] type = {null};
        StringBuilder data = new StringBuilder();
        try {
            lines.forEach(line -> {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        try {
                            sink.accept(new Event(id[0], type[0], JSON.readTree(data.toString())));
                        } catch (IOException e) {
                            throw new UncheckedIOException("SSE data is not JSON: " + data, e);
                        }
                    }
                    id[0] = -1;
                    type[0] = null;
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id[0] = Long.parseLong(line.substring(3).strip());
                } else if (line.startsWith("event:")) {
                    type[0] = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            });
        } catch (UncheckedIOException e) {
            // the stream was closed (close()) or the gateway went away: the events so far stand
        }
    }

    @Override
    public void close() {
        lines.close();
        reader.interrupt();
    }
}
