/**
 * The durable outbox of the edge agent: signed messages are appended to checksummed, append-only
 * segment files and stay there until the gateway acknowledges them, across {@code kill -9} and
 * power loss; plus the persisted boot counter that keeps {@code (boot, seq)} unique. JDK only.
 */
package io.sensorproof.agent.outbox;
