package io.sensorproof.agent.transport;

import java.io.IOException;

/**
 * How the agent reaches the gateway. Implementations deliver at least once and report
 * acknowledgement messages as they arrive; they never interpret them (the agent verifies).
 */
public interface Transport extends AutoCloseable {

    /** Events from the transport, called from its own threads. */
    interface Listener {
        /** A session to the gateway is up; everything unacknowledged should be sent again. */
        void connected();

        /** The session is down; the transport reconnects by itself. */
        void disconnected(String reason);

        /** Bytes arrived on the acknowledgement channel (unverified). */
        void acknowledgement(byte[] bytes);
    }

    /** Starts connecting in the background (and keeps reconnecting) and reports to {@code listener}. */
    void start(Listener listener);

    /** True while a session is up. */
    boolean isConnected();

    /** Sends a signed reading message (at least once). */
    void sendMessage(byte[] message) throws IOException;

    /** Sends a signed status message. */
    void sendStatus(byte[] status) throws IOException;

    @Override
    void close();
}
