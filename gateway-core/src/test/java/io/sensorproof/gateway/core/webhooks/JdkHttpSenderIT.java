package io.sensorproof.gateway.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link JdkHttpSender} against a real loopback HTTP server: headers and body arrive as sent, a
 * receiver that never answers costs at most the timeout, redirects are not followed, and
 * {@code Retry-After} is read.
 */
class JdkHttpSenderIT {
    private HttpServer server;
    private final CountDownLatch hang = new CountDownLatch(1);
    private final AtomicReference<String> seenBody = new AtomicReference<>();
    private final AtomicReference<String> seenId = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/ok", x -> {
            seenBody.set(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            seenId.set(x.getRequestHeaders().getFirst("webhook-id"));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/busy", x -> {
            x.getResponseHeaders().add("Retry-After", "7");
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.createContext("/moved", x -> {
            x.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.createContext("/hang", x -> {
            try {
                hang.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        hang.countDown();
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private HttpSender.Request request(String path, Duration timeout) {
        return new HttpSender.Request(url(path), Map.of("webhook-id", "evt-1", "webhook-timestamp", "1", "webhook-signature",
                "v1,x"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8), timeout);
    }

    @Test
    void postsHeadersAndBody() throws Exception {
        HttpSender.Response r = new JdkHttpSender(Duration.ofSeconds(2)).send(request("/ok", Duration.ofSeconds(5)));
        assertThat(r.status()).isEqualTo(204);
        assertThat(seenBody).hasValue("{\"a\":1}");
        assertThat(seenId).hasValue("evt-1");
    }

    @Test
    void aReceiverThatNeverAnswersTimesOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new JdkHttpSender(Duration.ofSeconds(2)).send(request("/hang", Duration.ofMillis(300))))
                .isInstanceOfAny(HttpTimeoutException.class, TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void doesNotFollowRedirectsAndReadsRetryAfter() throws Exception {
        JdkHttpSender sender = new JdkHttpSender(Duration.ofSeconds(2));
        assertThat(sender.send(request("/moved", Duration.ofSeconds(5))).status()).isEqualTo(302);
        HttpSender.Response busy = sender.send(request("/busy", Duration.ofSeconds(5)));
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.retryAfter()).contains(Duration.ofSeconds(7));
    }
}
