package io.sensorproof.gateway.core.rules;

import io.sensorproof.protocol.senml.Quantity;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything the engine holds for one device: its rules and their state. */
final class DeviceState {
    final String device;
    List<Rule> rules = List.of();
    final Map<Quantity, Stream> streams = new EnumMap<>(Quantity.class);
    final Map<String, GapTrack> gaps = new LinkedHashMap<>();
    final Map<String, TamperTrack> tampers = new LinkedHashMap<>();

    DeviceState(String device) {
        this.device = device;
    }
}
