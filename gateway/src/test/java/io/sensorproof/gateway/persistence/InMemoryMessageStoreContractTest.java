package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.util.Map;
import java.util.stream.Collectors;

/** The reference semantics: the contract holds for {@code InMemoryMessageStore}. */
class InMemoryMessageStoreContractTest extends MessageStoreContract {
    private final InMemoryMessageStore store = new InMemoryMessageStore();

    @Override
    MessageStore store() {
        return store;
    }

    @Override
    SigningDevice newDevice(SignatureAlgorithm alg) {
        return SigningDevice.fresh("contract", alg);
    }

    @Override
    Map<MessageKey, ContentDigest> stored(SigningDevice device) {
        return store.messages().stream().filter(m -> m.deviceId().equals(device.id))
                .collect(Collectors.toMap(AcceptedMessage::key, AcceptedMessage::contentDigest));
    }

    @Override
    long readingCount(SigningDevice device) {
        return store.messages().stream().filter(m -> m.deviceId().equals(device.id)).mapToLong(m -> m.readings().size()).sum();
    }
}
