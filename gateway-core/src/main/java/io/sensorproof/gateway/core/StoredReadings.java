package io.sensorproof.gateway.core;

import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stored readings a {@link MessageStore} checks new messages against, and the two reading rules
 * of the store (docs/protocol.md §3.3, ADR 018):
 * <ul>
 *   <li>one reading per (device, quantity, reading time in ms): a record whose time is already taken
 *       for its device and quantity, by another message or by an earlier record of the same message,
 *       refuses the message with {@code DUPLICATE_READING_TIME}, whatever the values (an honest agent
 *       never signs one reading twice under two (boot, seq); a retransmission keeps its (boot, seq)
 *       and is a duplicate before these rules apply);</li>
 *   <li>an emissions register never decreases: a {@code co2e-register} record lower than the
 *       device's register reading with the latest earlier time, or higher than the one with the
 *       earliest later time (a late reading is checked against both neighbours), refuses the message
 *       with {@code REGISTER_DECREASED}. Equal values are fine (nothing was emitted).</li>
 * </ul>
 * A message's records are checked in record order, each against the stored readings and the
 * message's earlier records; the first record that breaks a rule decides, and the code of the rule
 * it breaks first (time before register). A message is admitted whole or not at all.
 *
 * <p>It need not hold every stored reading: for a correct answer about a message it must hold every
 * stored reading at the message's (device, quantity, time) triples and, for each register record,
 * the device's stored register readings nearest before and after its time (what
 * {@code PgMessageStore} reads under its device locks). Not thread-safe; stores guard it.
 */
public final class StoredReadings {
    /** One stored reading: its encoded value and the message it came from. */
    private record Entry(long value, MessageKey from) {
    }

    /**
     * A device's readings of one quantity. {@code equals} and {@code hashCode} written out: the record's generated ones
     * go through method handles that the JIT did not inline here, and two lookups per reading made them 10 % of the
     * event loop's samples in a JFR profile of CoAP packs of 10 (issue 18).
     */
    private record Series(String deviceId, Quantity quantity) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Series other && quantity == other.quantity && deviceId.equals(other.deviceId);
        }

        @Override
        public int hashCode() {
            return 31 * deviceId.hashCode() + quantity.ordinal();
        }
    }

    private static final NavigableMap<Long, Entry> NONE = java.util.Collections.emptyNavigableMap();

    private final Map<Series, NavigableMap<Long, Entry>> series = new HashMap<>();

    /**
     * Adds a stored reading. Adding the same (device, quantity, time) twice keeps the first (what a
     * unique index would do); callers add what is stored, which holds no such pair.
     *
     * @param deviceId the device
     * @param quantity the quantity
     * @param timeMillis reading time in ms since the epoch
     * @param value the fixed-point value
     * @param from the message it is stored with
     */
    public void add(String deviceId, Quantity quantity, long timeMillis, long value, MessageKey from) {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(from, "from");
        series.computeIfAbsent(new Series(deviceId, quantity), s -> new TreeMap<>()).putIfAbsent(timeMillis, new Entry(value, from));
    }

    /**
     * Checks a message whose key is free and, if every record fits, adds its readings.
     *
     * @return empty when the message was admitted (its readings now count as stored), else the
     *     refusal ({@code DUPLICATE_READING_TIME} or {@code REGISTER_DECREASED}); nothing is added then
     */
    public Optional<StoredOutcome.Result> admit(AcceptedMessage message) {
        Objects.requireNonNull(message, "message");
        List<AcceptedReading> added = new ArrayList<>(message.readings().size());
        Optional<StoredOutcome.Result> refusal = Optional.empty();
        for (AcceptedReading r : message.readings()) {
            refusal = check(message, r);
            if (refusal.isPresent()) {
                break;
            }
            add(message.deviceId(), r.quantity(), r.time().toEpochMilli(), r.fixedValue(), message.key());
            added.add(r);
        }
        if (refusal.isPresent()) {
            for (AcceptedReading r : added) {
                series.get(new Series(message.deviceId(), r.quantity())).remove(r.time().toEpochMilli());
            }
        }
        return refusal;
    }

    private Optional<StoredOutcome.Result> check(AcceptedMessage message, AcceptedReading r) {
        long time = r.time().toEpochMilli();
        NavigableMap<Long, Entry> readings = series.getOrDefault(new Series(message.deviceId(), r.quantity()), NONE);
        Entry same = readings.get(time);
        if (same != null) {
            return refuse(message, StoredOutcome.Status.DUPLICATE_READING_TIME, r, "a " + r.quantity().senmlName() + " reading at "
                    + r.time() + " is already stored from " + origin(message, same) + (same.value() == r.fixedValue()
                            ? " with the same value" : " with value " + shown(r.quantity(), same.value()))
                    + "; the gateway keeps one reading per device, quantity and time");
        }
        if (r.quantity() != Quantity.CO2E_REGISTER) {
            return Optional.empty();
        }
        Map.Entry<Long, Entry> before = readings.lowerEntry(time);
        if (before != null && r.fixedValue() < before.getValue().value()) {
            return refuse(message, StoredOutcome.Status.REGISTER_DECREASED, r, "register " + shown(r.quantity(), r.fixedValue())
                    + " at " + r.time() + " is lower than " + shown(r.quantity(), before.getValue().value()) + " at the earlier time "
                    + Instant.ofEpochMilli(before.getKey()) + " from " + origin(message, before.getValue()));
        }
        Map.Entry<Long, Entry> after = readings.higherEntry(time);
        if (after != null && r.fixedValue() > after.getValue().value()) {
            return refuse(message, StoredOutcome.Status.REGISTER_DECREASED, r, "register " + shown(r.quantity(), r.fixedValue())
                    + " at " + r.time() + " is higher than " + shown(r.quantity(), after.getValue().value()) + " at the later time "
                    + Instant.ofEpochMilli(after.getKey()) + " from " + origin(message, after.getValue())
                    + ", so the register would decrease after it");
        }
        return Optional.empty();
    }

    private static Optional<StoredOutcome.Result> refuse(AcceptedMessage message, StoredOutcome.Status status, AcceptedReading r,
            String why) {
        return Optional.of(StoredOutcome.Result.refused(message.key(), status, "record " + r.recordIndex() + ": " + why));
    }

    private static String origin(AcceptedMessage message, Entry entry) {
        return entry.from().equals(message.key()) ? "an earlier record of this message"
                : "(boot " + entry.from().boot() + ", seq " + entry.from().seq() + ")";
    }

    private static String shown(Quantity quantity, long value) {
        return FixedPoint.decode(quantity, value).toPlainString() + " " + quantity.unit();
    }
}
