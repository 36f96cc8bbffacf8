package io.sensorproof.oracle.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a server that a test can cut ({@link #cut()}: every open connection is reset
 * and so is every new one, counted in {@link #refused()}) and restore ({@link #restore()}), so a client
 * sees a real unreachable server — the fault injected for real, as Paho's
 * {@code ConnectionManipulationProxyServer} does.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    private volatile ServerSocket server;
    private volatile boolean cut;
    private int port;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Listens (on a free port the first time, on the same port afterwards). */
    public synchronized void start() {
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            port = s.getLocalPort();
            server = s;
            Thread accept = new Thread(() -> accept(s), "tcp-proxy-accept");
            accept.setDaemon(true);
            accept.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resets every open connection and, until {@link #restore()}, every new one. */
    public void cut() {
        cut = true;
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    /** Connections reset while cut. */
    public int refused() {
        return refused.get();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Closes the listener and every connection. */
    public synchronized void stop() {
        try {
            if (server != null) {
                server.close();
                server = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cut();
    }

    /** The proxy's URL for an HTTP server behind it. */
    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                if (cut) {
                    refused.incrementAndGet();
                    reset(client);
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the other side closed or the proxy was cut
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        stop();
    }
}
