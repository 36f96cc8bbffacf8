package io.sensorproof.agent;

import io.sensorproof.agent.transport.Transport;
import java.io.IOException;

/** A transport that never connects, for agent tests without a network: sealed messages stay in the outbox. */
final class OfflineTransport implements Transport {
    @Override
    public void start(Listener listener) {
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public void sendMessage(byte[] message) throws IOException {
        throw new IOException("offline");
    }

    @Override
    public void sendStatus(byte[] status) throws IOException {
        throw new IOException("offline");
    }

    @Override
    public void close() {
    }
}
