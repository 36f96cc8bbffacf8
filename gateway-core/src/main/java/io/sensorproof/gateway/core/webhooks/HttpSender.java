package io.sensorproof.gateway.core.webhooks;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sends one webhook POST (port): {@link JdkHttpSender} in production, fakes in tests. Must not follow
 * redirects and must give up after the timeout; any exception is a failed attempt of type
 * {@code NETWORK} (a {@link java.net.http.HttpTimeoutException} or
 * {@link java.util.concurrent.TimeoutException}: {@code TIMEOUT}).
 */
@FunctionalInterface
public interface HttpSender {
    /**
     * One request.
     *
     * @param url the endpoint
     * @param headers the Standard Webhooks headers (content type is the sender's)
     * @param body the JSON body
     * @param timeout the longest the request may take
     */
    record Request(URI url, Map<String, String> headers, byte[] body, Duration timeout) {
        public Request {
            Objects.requireNonNull(url, "url");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * The receiver's answer.
     *
     * @param status HTTP status
     * @param retryAfter the {@code Retry-After} header in seconds form, if any
     */
    record Response(int status, Optional<Duration> retryAfter) {
        public Response {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /** Sends the request and returns the status; throws on a network failure or timeout. */
    Response send(Request request) throws Exception;
}
