package io.sensorproof.sim.demo;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The demo's short story, printed as things happen: one line per step, with the time, the act, a stage
 * word from a small fixed vocabulary (so that a reader and a test can follow it) and a sentence, then the
 * links to open. Thread-safe: acts play side by side.
 */
public final class Narrative {
    /** The stage words, in the order a reading travels. */
    public enum Stage {
        STARTING, ENROLLED, STREAMING, FAULT, ALERT, PROVING, ANCHORED, FROZEN, UNFROZEN, REFUSED, PERIOD_CLOSED, MINTED, DONE, FAILED;

        /** The word printed, lower case with spaces. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /** One printed step. */
    public record Entry(String act, Stage stage, String text) {
    }

    /** Always with seconds: {@code LocalTime.toString} drops {@code :00}. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> waiting = new HashMap<>();

    public Narrative(PrintStream out, Clock clock) {
        this.out = Objects.requireNonNull(out);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Prints {@code text} as a step of {@code act} at {@code stage}. */
    public synchronized void say(String act, Stage stage, String text) {
        entries.add(new Entry(act, stage, text));
        out.printf("%s  %-12s %-13s %s%n", TIME.format(LocalTime.now(clock)), act, stage.word(), text);
        out.flush();
    }

    /** Prints a link to open under the last step. */
    public synchronized void link(String label, URI uri) {
        out.printf("%28s -> %s: %s%n", "", label, uri);
        out.flush();
    }

    /**
     * Prints a progress line of a step that takes longer than a second (proving, waiting for the chain), not
     * recorded as a step: {@code text} should carry the elapsed seconds.
     */
    public synchronized void progress(String act, String text) {
        out.printf("%s  %-12s %-13s %s%n", TIME.format(LocalTime.now(clock)), act, "...", text);
        out.flush();
    }

    /** Notes what {@code act} now waits for, so that a timeout can name the step. */
    public synchronized void waitingFor(String act, String step) {
        waiting.put(act, step);
    }

    /** What {@code act} waits for now (the last {@link #waitingFor}), if anything. */
    public synchronized Optional<String> waitingFor(String act) {
        return Optional.ofNullable(waiting.get(act));
    }

    /** Every step printed so far, in order. */
    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Whether {@code act} has reached {@code stage}. */
    public synchronized boolean reached(String act, Stage stage) {
        return entries.stream().anyMatch(e -> e.act().equals(act) && e.stage() == stage);
    }
}
