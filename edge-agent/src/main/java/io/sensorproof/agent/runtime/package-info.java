/**
 * Threads that many agents in one JVM share (a fleet simulator): one scheduler, one growing worker
 * pool, per-agent serial executors over it, and the executor Paho's clients run on (ADR 048). A
 * device runs one agent per JVM and does not use this package: its agent keeps its own threads.
 */
package io.sensorproof.agent.runtime;
