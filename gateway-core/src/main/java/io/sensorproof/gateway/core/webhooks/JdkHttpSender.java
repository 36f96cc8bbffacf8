package io.sensorproof.gateway.core.webhooks;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link HttpSender} on the JDK's {@link HttpClient}: HTTP/1.1, redirects never followed (a redirect
 * could lead past the URL policy), response body discarded, and the whole exchange bounded by the
 * request timeout (the client's own timeout covers only the wait for headers).
 */
public final class JdkHttpSender implements HttpSender {
    /** The {@code User-Agent} of deliveries. */
    public static final String USER_AGENT = "sensorproof-webhooks/1";

    private final HttpClient client;

    /** @param connectTimeout the longest a TCP/TLS connect may take */
    public JdkHttpSender(Duration connectTimeout) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(connectTimeout).build();
    }

    @Override
    public Response send(Request request) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(request.url()).timeout(request.timeout())
                .header("Content-Type", "application/json").header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        CompletableFuture<HttpResponse<Void>> future = client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
        try {
            HttpResponse<Void> response = future.get(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return new Response(response.statusCode(), retryAfter(response));
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                long seconds = Long.parseLong(v.trim());
                return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // the HTTP-date form is ignored: the backoff applies
            }
        });
    }
}
