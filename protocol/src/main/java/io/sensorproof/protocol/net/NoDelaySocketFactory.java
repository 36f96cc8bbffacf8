package io.sensorproof.protocol.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Socket factories whose sockets have TCP_NODELAY set, for the MQTT clients of agent and gateway. Paho does not set it, and with Nagle's
 * algorithm a small PUBLISH or PUBACK waiting behind an unacknowledged segment meets the peer's
 * delayed ACK: each QoS 1 round trip then costs about 40 ms on Linux, which capped delivery at a
 * few dozen messages per second in our tests. Paho creates an unconnected socket with
 * {@code createSocket()} and connects it itself; for {@code ssl://} it requires an
 * {@link SSLSocketFactory}, hence {@link #tls(SSLSocketFactory)}.
 */
public final class NoDelaySocketFactory extends SocketFactory {
    private final SocketFactory delegate;

    public NoDelaySocketFactory(SocketFactory delegate) {
        this.delegate = delegate;
    }

    /** For plain TCP. */
    public static SocketFactory plain() {
        return new NoDelaySocketFactory(SocketFactory.getDefault());
    }

    /** For TLS, wrapping {@code ssl}. */
    public static SSLSocketFactory tls(SSLSocketFactory ssl) {
        return new Tls(ssl);
    }

    static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }

    private static final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory ssl;

        Tls(SSLSocketFactory ssl) {
            this.ssl = ssl;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return ssl.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return ssl.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(ssl.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(ssl.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(ssl.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(ssl.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(ssl.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(ssl.createSocket(address, port, localAddress, localPort));
        }
    }
}
