package io.sensorproof.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    private ServerSocket echo;
    private Thread echoThread;

    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // connection ended
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
    }

    @AfterEach
    void stop() throws IOException {
        echo.close();
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes());
        s.getOutputStream().flush();
        byte[] buffer = new byte[text.length()];
        int read = 0;
        while (read < buffer.length) {
            int n = s.getInputStream().read(buffer, read, buffer.length - read);
            if (n < 0) {
                throw new IOException("closed after " + read + " bytes");
            }
            read += n;
        }
        return new String(buffer);
    }

    @Test
    void relaysUntilCutThenRefusesUntilHealed() throws Exception {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort())) {
            Socket before = new Socket("127.0.0.1", proxy.port());
            before.setSoTimeout(5000);
            assertThat(roundTrip(before, "hello")).isEqualTo("hello");

            proxy.cut();
            assertThat(before.getInputStream().read()).as("the relayed connection is closed by the cut").isEqualTo(-1);
            try (Socket during = new Socket("127.0.0.1", proxy.port())) {
                during.setSoTimeout(5000);
                assertThat(during.getInputStream().read()).as("a new connection is closed at once").isEqualTo(-1);
            }
            assertThat(proxy.refused()).isEqualTo(1);

            proxy.heal();
            try (Socket after = new Socket("127.0.0.1", proxy.port())) {
                after.setSoTimeout(5000);
                assertThat(roundTrip(after, "again")).isEqualTo("again");
            }
            assertThat(proxy.accepted()).isEqualTo(2);
            before.close();
        }
    }
}
