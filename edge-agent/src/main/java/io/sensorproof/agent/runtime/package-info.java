/**
 * Threads that many agents in one JVM share (a fleet simulator): one scheduler, one worker pool that
 * runs a fixed number of tasks at once (ADR 061), per-agent serial executors over it, and the MQTT
 * client's event loop (ADR 048, ADR 059). A
 * device runs one agent per JVM and does not use this package: its agent keeps its own threads.
 */
package io.sensorproof.agent.runtime;
