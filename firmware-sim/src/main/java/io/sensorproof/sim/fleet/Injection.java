package io.sensorproof.sim.fleet;

/**
 * One message published by the {@link Injector}: where, under which (boot, seq) and key, and what
 * was done to it.
 *
 * @param kid hex kid in the message's header
 * @param note what the message is (e.g. "payload altered, signature kept")
 * @param reply what the gateway answered on the device's acknowledgement topic about this (boot,
 *     seq), verified with its key: {@code ACKNOWLEDGED}, {@code REJECTED <code>}, {@code NONE}
 *     (nothing within the wait), or null when no answer is expected (refusals before the signature
 *     check are silent, ADR 007)
 */
public record Injection(String topic, long boot, long seq, String kid, String note, String reply) {
}
