package io.sensorproof.gateway.core.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between one MQTT client and a broker that reads every MQTT packet in both
 * directions and shows it to an {@link Observer} before forwarding it, so a test sees what went
 * over the wire on which connection (the model is Paho's {@code ConnectionManipulationProxyServer}).
 * Each accepted client connection is a numbered link with its own upstream connection; when either
 * side closes, both close, so a broker restart is a lost connection for the client. While the
 * broker is down, an accepted client is closed at once, and so is every client while the tap
 * {@linkplain #refuse() refuses}: then the broker is down for the client until {@link #admit()}, at
 * an instant the test chooses.
 */
final class MqttWireTap implements AutoCloseable {
    /** Packet types of the MQTT fixed header. */
    static final int PUBLISH = 3;
    static final int PUBACK = 4;
    static final int SUBSCRIBE = 8;
    static final int SUBACK = 9;

    /** Which way a packet went. */
    enum Direction { TO_BROKER, TO_CLIENT }

    /** Sees each packet before it is forwarded; runs on the link's pump thread. */
    interface Observer {
        void packet(int link, Direction direction, Packet packet);
    }

    /** One MQTT packet: fixed-header type and flags, and the rest (variable header and payload). */
    record Packet(int type, int flags, byte[] body) {
        /** Packet identifier of a PUBACK (or any packet whose variable header starts with it). */
        int packetId() {
            return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        }

        int qos() {
            return (flags >> 1) & 3;
        }

        /** A PUBLISH (MQTT v5): topic, packet id (0 for QoS 0) and payload. */
        Publish publish() {
            int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
            String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
            int at = 2 + topicLength;
            int id = 0;
            if (qos() > 0) {
                id = ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
                at += 2;
            }
            at = afterProperties(body, at);
            return new Publish(topic, id, Arrays.copyOfRange(body, at, body.length));
        }

        /** The first topic filter of a SUBSCRIBE (MQTT v5): after the packet id and the properties. */
        String subscribeFilter() {
            int at = afterProperties(body, 2);
            int length = ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
            return new String(body, at + 2, length, StandardCharsets.UTF_8);
        }

        /** Where the properties that start at {@code at} (their length as a variable byte integer, then them) end. */
        private static int afterProperties(byte[] body, int at) {
            int length = 0;
            int shift = 0;
            int b;
            do {
                b = body[at++] & 0xff;
                length |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return at + length;
        }
    }

    /** The parts of a PUBLISH a test needs. */
    record Publish(String topic, int packetId, byte[] payload) {
    }

    private final ServerSocket server;
    private final InetSocketAddress broker;
    private final Observer observer;
    private final AtomicInteger links = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    private MqttWireTap(ServerSocket server, InetSocketAddress broker, Observer observer) {
        this.server = server;
        this.broker = broker;
        this.observer = observer;
    }

    /** Listens on an ephemeral port of 127.0.0.1 and forwards to {@code broker}. */
    static MqttWireTap start(InetSocketAddress broker, Observer observer) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        MqttWireTap tap = new MqttWireTap(server, broker, observer);
        Thread accept = new Thread(tap::acceptLoop, "wire-tap-accept");
        accept.setDaemon(true);
        accept.start();
        return tap;
    }

    private volatile boolean refusing;

    /** Cuts every link and closes each client accepted from now on at once, until {@link #admit()}. */
    void refuse() {
        refusing = true;
        sockets.forEach(MqttWireTap::closeQuietly);
    }

    /** Forwards new client connections again. */
    void admit() {
        refusing = false;
    }

    /** Client connections accepted so far, including those closed at once because the broker was down: connection attempts. */
    int accepted() {
        return links.get();
    }

    /** The URL MQTT clients use to go through the tap. */
    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (open) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            int link = links.incrementAndGet();
            if (refusing) {
                closeQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                upstream.connect(broker, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            pump(link, Direction.TO_BROKER, client, upstream);
            pump(link, Direction.TO_CLIENT, upstream, client);
        }
    }

    private void pump(int link, Direction direction, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int first = in.read();
                    if (first < 0) {
                        break;
                    }
                    ByteArrayOutputStream header = new ByteArrayOutputStream(5);
                    header.write(first);
                    int length = 0;
                    int shift = 0;
                    int b;
                    do {
                        b = readByte(in);
                        header.write(b);
                        length |= (b & 0x7f) << shift;
                        shift += 7;
                    } while ((b & 0x80) != 0);
                    byte[] body = in.readNBytes(length);
                    if (body.length < length) {
                        break;
                    }
                    observer.packet(link, direction, new Packet(first >> 4, first & 0x0f, body));
                    out.write(header.toByteArray());
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side closed; close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "wire-tap-" + link + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        sockets.forEach(MqttWireTap::closeQuietly);
    }
}
