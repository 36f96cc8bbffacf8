package io.sensorproof.sim.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A TCP relay between an agent and its broker that can be cut: {@link #cut()} closes every relayed
 * connection and makes new ones fail (accepted and closed at once) until {@link #heal()}. This is a
 * real network partition as the agent sees it: sockets reset, reconnects fail, in-flight publishes
 * and acknowledgements lost (the model is Paho's ConnectionManipulationProxyServer).
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TcpProxy.class.getName());

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private volatile boolean partitioned;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
    }

    /** Listens on a free port of 127.0.0.1 and relays to {@code host:port}. */
    public static TcpProxy start(String host, int port) throws IOException {
        ServerSocket server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), server);
        Thread acceptor = new Thread(proxy::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    /** The local port agents connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every relayed connection and refuses new ones until {@link #heal()}. */
    public void cut() {
        partitioned = true;
        cuts.incrementAndGet();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    /** Relays new connections again. */
    public void heal() {
        partitioned = false;
    }

    /** True while cut. */
    public boolean isCut() {
        return partitioned;
    }

    /** Connections relayed so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections refused while cut. */
    public long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "proxy accept failed", e);
                }
                return;
            }
            if (partitioned) {
                refused.incrementAndGet();
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(target, 5000);
            } catch (IOException e) {
                LOG.fine(() -> "proxy cannot reach " + target + ": " + e);
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            accepted.incrementAndGet();
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (partitioned) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the connection ended or was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
