package io.sensorproof.gateway.core.rules;

import java.util.List;

/**
 * What one engine call produced: alert events in the order they happened, and refused inputs.
 *
 * @param events alert events, to be written to the outbox in this order
 * @param refusals inputs not evaluated, each with its reason
 */
public record EngineResult(List<AlertEvent> events, List<InputRefusal> refusals) {
    public EngineResult {
        events = List.copyOf(events);
        refusals = List.copyOf(refusals);
    }
}
