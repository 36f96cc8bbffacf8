package io.sensorproof.gateway.core.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides whether a webhook URL may be registered. Refuses, with a stable {@link WebhookError}:
 * <ul>
 * <li>{@code URL_SCHEME}: a scheme other than {@code http}/{@code https};
 * <li>{@code URL_MALFORMED}: unparseable, longer than {@value #MAX_LENGTH} characters, no host,
 *     user information (credentials in URLs leak into logs; receivers authenticate by signature),
 *     a fragment (never sent, so it can only be a mistake), or a port outside 1–65535;
 * <li>{@code URL_SELF}: the gateway's own API/management ports ({@link OwnAddress}) on a loopback
 *     or unspecified address ({@code 127.0.0.0/8}, {@code ::1}, {@code 0.0.0.0}, {@code ::},
 *     {@code localhost} and {@code *.localhost}, IPv4-mapped forms) or on a host name the gateway
 *     is known by: a webhook must not call the gateway's own operations with its network position;
 * <li>{@code URL_LINK_LOCAL}: link-local hosts (169.254.0.0/16 including the cloud metadata
 *     service 169.254.169.254, fe80::/10).
 * </ul>
 * Private networks (10/8, 192.168/16, …) and loopback on other ports stay allowed: banks run
 * receivers on their own networks, and tests run receivers on loopback. Host names are not resolved
 * here (a DNS answer can change after registration); only IP literals and the names above are judged.
 */
public final class WebhookUrlPolicy {
    /** Longest accepted URL. */
    public static final int MAX_LENGTH = 2048;
    private static final Pattern DOTTED_DECIMAL = Pattern.compile("[0-9.]+");

    /**
     * An address the gateway serves on.
     *
     * @param host a host name or IP literal the gateway is reachable by (compared case-insensitively)
     * @param port its port
     */
    public record OwnAddress(String host, int port) {
        public OwnAddress {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
    }

    private final List<OwnAddress> own;

    /** @param own the gateway's own API and management addresses (HTTP API, health, metrics) */
    public WebhookUrlPolicy(List<OwnAddress> own) {
        this.own = List.copyOf(own);
    }

    /**
     * Returns the parsed URL if it may be registered.
     *
     * @throws WebhookException with {@code URL_SCHEME}, {@code URL_MALFORMED}, {@code URL_SELF} or
     *     {@code URL_LINK_LOCAL}
     */
    public URI check(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_LENGTH) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "a URL has 1 to " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new WebhookException(WebhookError.URL_SCHEME, "only http and https URLs are delivered to");
        }
        if (uri.getRawUserInfo() != null) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "a webhook URL has no user information");
        }
        if (uri.getRawFragment() != null) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "a webhook URL has no fragment");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            // URI leaves host null for registry-based authorities such as "a_b:80"
            throw new WebhookException(WebhookError.URL_MALFORMED, "a webhook URL needs a host name or IP address");
        }
        int port = uri.getPort() == -1 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "port out of range: " + port);
        }
        if (host.contains("%")) {
            throw new WebhookException(WebhookError.URL_MALFORMED, "an IPv6 zone id names a local interface: " + host);
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (bare.endsWith(".")) {
            bare = bare.substring(0, bare.length() - 1); // "localhost." is localhost
        }
        String lower = bare.toLowerCase(Locale.ROOT);
        InetAddress literal = literal(lower);
        if (literal != null && literal.isLinkLocalAddress()) {
            throw new WebhookException(WebhookError.URL_LINK_LOCAL, "link-local hosts are refused: " + host);
        }
        boolean local = lower.equals("localhost") || lower.endsWith(".localhost")
                || (literal != null && (literal.isLoopbackAddress() || literal.isAnyLocalAddress()));
        for (OwnAddress a : own) {
            if (a.port() == port && (local || a.host().equalsIgnoreCase(bare))) {
                throw new WebhookException(WebhookError.URL_SELF,
                        "the URL points at the gateway's own port " + port + " on " + host);
            }
        }
        return uri;
    }

    /** The address of an IP literal, never with a DNS lookup; null for a host name. */
    private static InetAddress literal(String host) {
        try {
            if (host.contains(":")) {
                // the bracketed form makes InetAddress parse an IPv6 literal or fail, never resolve
                byte[] b = InetAddress.getByName("[" + host + "]").getAddress();
                if (b.length == 16 && isV4Mapped(b)) {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                }
                return InetAddress.getByAddress(b);
            }
            byte[] v4 = ipv4(host);
            return v4 == null ? null : InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * An IPv4 literal in any of the forms the JDK accepts as one (a, a.b, a.b.c, a.b.c.d in
     * decimal, the last part filling the remaining bytes, so 127.1 and 2130706433 are 127.0.0.1).
     */
    private static byte[] ipv4(String host) {
        if (!DOTTED_DECIMAL.matcher(host).matches()) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] v = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 10) {
                return null;
            }
            v[i] = Long.parseLong(parts[i]);
        }
        int last = parts.length - 1;
        for (int i = 0; i < last; i++) {
            if (v[i] > 255) {
                return null;
            }
        }
        long lastMax = (1L << (8 * (4 - last))) - 1;
        if (v[last] > lastMax) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < last; i++) {
            out[i] = (byte) v[i];
        }
        for (int i = 3; i >= last; i--) {
            out[i] = (byte) (v[last] & 0xff);
            v[last] >>>= 8;
        }
        return out;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
