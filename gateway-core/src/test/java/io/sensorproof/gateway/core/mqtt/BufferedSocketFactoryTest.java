package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class BufferedSocketFactoryTest {

    /**
     * Paho asks the socket for its input stream more than once (the receiver, and {@code available()}
     * checks through it): a buffer created per call would drop the bytes an earlier one read ahead.
     */
    @Test
    void everyCallReturnsTheOneBufferedStreamSoNoReadAheadIsLost() throws Exception {
        byte[] sent = new byte[10_000];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31 + 7);
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket client = new BufferedSocketFactory().createSocket();
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (client; Socket peer = server.accept()) {
                try (OutputStream out = peer.getOutputStream()) {
                    out.write(sent);
                    out.flush();
                }
                assertThat(client.getTcpNoDelay()).isTrue();
                InputStream first = client.getInputStream();
                byte[] received = new byte[sent.length];
                // a small read makes the buffer take everything that has arrived
                int head = first.read(received, 0, 3);
                assertThat(head).isEqualTo(3);
                // the rest through a later call, as a second reader of the socket would
                new DataInputStream(client.getInputStream()).readFully(received, 3, sent.length - 3);
                assertThat(received).isEqualTo(sent);
                assertThat(client.getInputStream()).isSameAs(first);
            }
        }
    }
}
