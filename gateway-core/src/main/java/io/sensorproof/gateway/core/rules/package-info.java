/**
 * Rules and alerts (issue 14), framework-free: rule definitions validated with stable codes, a
 * deterministic {@link io.sensorproof.gateway.core.rules.RuleEngine} that evaluates committed
 * readings per device and quantity in reading-time order, and {@link io.sensorproof.gateway.core.rules.Alert}s
 * with evidence and a lifecycle (open → acknowledged → resolved).
 *
 * <p><b>Order and bounds.</b> Per (device, quantity) the engine keeps a time-ordered window of the
 * points of the last {@code lateness} (default 6 h) behind the newest reading, at most
 * {@code maxPointsPerStream} (default 20,000). Everything older is folded into a carried state per
 * rule, so rule durations are not limited by the window, only how late a reading may be: a reading
 * further behind is refused as {@code TOO_LATE} (counted, returned; it stays stored). Within the
 * window, the alerts after a set of readings are the same whatever the order they arrived in.
 * Alerts list at most {@code maxEvidence} reading keys (default 1,000, the first ones) with the total
 * count.
 *
 * <p><b>Alert ids</b> are rule id + device + quantity + the key of the episode's first reading, so
 * they are the same on every replica and after a restart. When late readings move an episode's first
 * reading, the old alert is resolved as {@code SUPERSEDED} (naming the new id) and the new one opens;
 * when they shorten an episode below its minimum duration it is {@code WITHDRAWN}; when they fill the
 * gap that had ended one, it is {@code REOPENED}. Every event carries the whole alert, so a receiver
 * upserts by id.
 *
 * <p><b>Restarts.</b> {@link io.sensorproof.gateway.core.rules.RuleEngine#snapshot(String)} gives a
 * device's whole state (rules, window, carried folds, alerts) as bytes;
 * {@link io.sensorproof.gateway.core.rules.RuleEngine#restore(byte[])} brings it back, and the engine then
 * emits the same events as one that never stopped. The gateway stores the snapshot in the same
 * transaction as the events it produced (outbox) and as the position of the last committed reading it
 * evaluated, so that after a crash it re-reads the committed readings after that position; a
 * reading given again unchanged is ignored.
 *
 * <p><b>Several replicas.</b> The engine is correct only if each device is evaluated by one replica
 * at a time, with the device's latest snapshot: the engine itself has no locks beyond its own
 * methods. The gateway takes a PostgreSQL advisory lock per device (transaction-scoped, in device
 * order, as ingestion does) around load snapshot → evaluate → store snapshot and events; or, with
 * MQTT shared subscriptions, the replica that owns the device's partition evaluates it and loads the
 * snapshot when it takes ownership ({@code forget} when it loses it). What the engine needs is only
 * that two evaluations of one device never interleave and that each starts from the snapshot the
 * previous one stored. Gap rules need {@code onTick} on the replica that holds the device.
 */
package io.sensorproof.gateway.core.rules;
