package io.sensorproof.sim.fleet;

/**
 * One message published by the {@link Injector}: where, under which (boot, seq) and key, and what
 * was done to it.
 *
 * @param kid hex kid in the message's header
 * @param note what the message is (e.g. "payload altered, signature kept")
 */
public record Injection(String topic, long boot, long seq, String kid, String note) {
}
