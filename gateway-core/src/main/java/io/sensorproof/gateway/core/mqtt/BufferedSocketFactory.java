package io.sensorproof.gateway.core.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets with TCP_NODELAY whose input stream is buffered, for the gateway's Paho
 * client (ADR 042). Paho reads every packet from the socket's own stream unbuffered: one read for
 * the fixed header byte, one or more for the remaining length, one for the rest, and an
 * {@code available()} before each packet; with a read timeout set, each of them is a system call
 * of its own (and a poll when no data is there yet). Under load the broker's packets arrive back
 * to back, so one buffered read takes many of them at once.
 *
 * <p>Only for {@code tcp://}: Paho creates an unconnected socket with {@link #createSocket()} and
 * connects it itself; TLS sockets already read whole records into a buffer.
 */
public final class BufferedSocketFactory extends SocketFactory {
    /** Bytes read from the kernel at once (many PUBLISH packets of a few hundred bytes). */
    static final int BUFFER_BYTES = 64 * 1024;

    @Override
    public Socket createSocket() throws IOException {
        Socket s = new BufferedInputSocket();
        s.setTcpNoDelay(true);
        return s;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket s = createSocket();
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }

    /** A socket that hands out one buffered input stream (created at the first call, after connect). */
    static final class BufferedInputSocket extends Socket {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new BufferedInputStream(super.getInputStream(), BUFFER_BYTES);
            }
            return in;
        }
    }
}
