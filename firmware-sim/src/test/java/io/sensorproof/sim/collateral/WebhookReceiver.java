package io.sensorproof.sim.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bank's webhook receiver, as the gateway README tells receivers to build one: a real HTTP server
 * (the JDK's) on 127.0.0.1, which reads the raw body, verifies it with the Standard Webhooks library
 * ({@code new Webhook(secret).verify(body, headers)}: signature over {@code id.timestamp.body}, timestamp
 * tolerance) and answers 401 when that fails, deduplicates on {@code webhook-id}, and answers 204 at
 * once. It records every request (verified or not) and the first verified delivery of each id with
 * its receipt time.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    public record Request(String webhookId, String body, boolean verified, Instant receivedAt) {
    }

    /** The first verified delivery of a {@code webhook-id}, parsed. */
    public record Delivery(String webhookId, JsonNode event, Instant receivedAt) {
    }

    private final HttpServer server;
    private final AtomicReference<String> secret = new AtomicReference<>();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    /** Starts a receiver on a free port of 127.0.0.1 at path {@code /hooks}. */
    public static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hooks", receiver::handle);
        server.start();
        return receiver;
    }

    /** The URL to register. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    /** The {@code whsec_…} secret the registration answer showed (requests before it fail verification). */
    public void useSecret(String whsec) {
        secret.set(whsec);
    }

    /** Every request so far, in arrival order. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The verified deliveries so far, one per {@code webhook-id}, in arrival order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries.values());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            Instant at = Instant.now();
            String body = new String(raw, StandardCharsets.UTF_8);
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            boolean verified;
            String s = secret.get();
            try {
                if (s == null) {
                    throw new WebhookVerificationException("no secret yet");
                }
                new Webhook(s).verify(body, exchange.getRequestHeaders());
                verified = true;
            } catch (WebhookVerificationException e) {
                verified = false;
            }
            synchronized (this) {
                requests.add(new Request(id, body, verified, at));
                if (verified && !deliveries.containsKey(id)) {
                    deliveries.put(id, new Delivery(id, JSON.readTree(body), at));
                }
            }
            exchange.sendResponseHeaders(verified ? 204 : 401, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
