package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.config;
import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static io.sensorproof.agent.outbox.OutboxFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts, simulated by {@link PowerCutFileIo}: what was written but not forced is lost. A
 * {@code kill -9} keeps the page cache and cannot tell a {@code force()} from none; these tests can.
 * The workload is the agent's: open the outbox, take a boot number, append, acknowledge, reject. The
 * power goes at every durability barrier in turn; after it, everything the outbox had acknowledged
 * (an append or markStored/markRejected that returned) must be as it was, and the boot counter must
 * not go back.
 */
class OutboxPowerCutTest {
    private static final OutboxConfig CONFIG = config(64 << 10, 2 << 10);
    private static final int MESSAGES = 60;

    @TempDir
    Path dir;

    /** What the workload saw acknowledged before the power went. */
    private static final class Acknowledged {
        final Map<MessageId, String> appended = new LinkedHashMap<>();
        final Set<MessageId> stored = new TreeSet<>();
        final Set<MessageId> rejected = new TreeSet<>();
        final Set<MessageId> attempted = new TreeSet<>();
        /** Named by a markStored or markRejected that had started: the power may have gone before or after it took effect. */
        final Set<MessageId> removalStarted = new TreeSet<>();
        long boot = -1;
    }

    @Test
    void losesNothingAcknowledgedWhenThePowerGoesAtAnyBarrier() throws Exception {
        PowerCutFileIo clean = new PowerCutFileIo(dir.resolve("clean"));
        Acknowledged all = run(dir.resolve("clean"), clean);
        assertThat(clean.dead()).isFalse();
        assertThat(all.appended).hasSize(MESSAGES);
        int barriers = clean.barriers();
        clean.powerCut();
        assertRecovered(dir.resolve("clean"), all, "power cut after the workload");

        for (int cut = 1; cut <= barriers; cut++) {
            Path data = dir.resolve("cut-" + cut);
            PowerCutFileIo io = new PowerCutFileIo(data).cutAtBarrier(cut);
            Acknowledged acknowledged = run(data, io);
            assertThat(io.dead()).as("the power went at barrier %d", cut).isTrue();
            io.powerCut();
            assertRecovered(data, acknowledged, "power cut at barrier " + cut + " of " + barriers);
        }
    }

    @Test
    void theSimulationLosesWhatWasNeverForced() throws Exception {
        Path data = dir.resolve("unforced");
        PowerCutFileIo io = new PowerCutFileIo(data).ignoreFileForces();
        Acknowledged acknowledged = run(data, io);
        io.powerCut();
        try (Outbox outbox = Outbox.open(data.resolve("outbox"), CONFIG)) {
            List<OutboxMessage> pending = outbox.pending(null, Integer.MAX_VALUE);
            Set<MessageId> expected = new TreeSet<>(acknowledged.appended.keySet());
            expected.removeAll(acknowledged.stored);
            expected.removeAll(acknowledged.rejected);
            assertThat(expected).isNotEmpty();
            assertThat(OutboxFixtures.ids(pending)).as("without forces the acknowledged messages are gone")
                    .doesNotContainAnyElementsOf(expected);
        }
    }

    /** The agent's sequence of outbox operations, stopped by the first failure (the power going). */
    private static Acknowledged run(Path data, PowerCutFileIo io) throws IOException {
        Acknowledged ack = new Acknowledged();
        Outbox outbox = null;
        try {
            outbox = Outbox.open(data.resolve("outbox"), CONFIG, io);
            long boot = BootCounter.next(data, outbox.maxBootSeen(), io);
            ack.boot = boot;
            for (int seq = 0; seq < MESSAGES; seq += 2) {
                List<OutboxMessage> batch = List.of(message(boot, seq), message(boot, seq + 1));
                batch.forEach(m -> ack.attempted.add(m.id()));
                outbox.append(batch);
                batch.forEach(m -> ack.appended.put(m.id(), HexFormat.of().formatHex(m.bytes())));
                if (seq % 8 == 6) {
                    for (long s = seq - 6; s <= seq - 3; s++) {
                        ack.removalStarted.add(new MessageId(boot, s));
                    }
                    outbox.markStored(boot, range(seq - 6, seq - 3));
                    for (long s = seq - 6; s <= seq - 3; s++) {
                        ack.stored.add(new MessageId(boot, s));
                    }
                }
                if (seq == 20) {
                    ack.removalStarted.add(new MessageId(boot, 19));
                    outbox.markRejected(boot, 19, "FUTURE_TIMESTAMP", "device clock ahead");
                    ack.rejected.add(new MessageId(boot, 19));
                }
            }
            // a second start of the agent on the same files
            outbox.close();
            outbox = Outbox.open(data.resolve("outbox"), CONFIG, io);
            long second = BootCounter.next(data, outbox.maxBootSeen(), io);
            ack.boot = second;
        } catch (IOException e) {
            if (!io.dead()) {
                throw e;
            }
        } finally {
            if (outbox != null) {
                outbox.close(); // closing writes nothing; the power is already gone in the cut runs
            }
        }
        return ack;
    }

    private static void assertRecovered(Path data, Acknowledged ack, String when) throws IOException {
        try (Outbox outbox = Outbox.open(data.resolve("outbox"), CONFIG)) {
            Map<MessageId, String> pending = new TreeMap<>();
            for (OutboxMessage m : outbox.pending(null, Integer.MAX_VALUE)) {
                pending.put(m.id(), HexFormat.of().formatHex(m.bytes()));
            }
            List<MessageId> missing = new ArrayList<>();
            for (Map.Entry<MessageId, String> e : ack.appended.entrySet()) {
                MessageId id = e.getKey();
                if (ack.stored.contains(id) || ack.rejected.contains(id)) {
                    assertThat(pending).as("%s: %s was acknowledged as stored or rejected", when, id).doesNotContainKey(id);
                } else if (ack.removalStarted.contains(id) && !pending.containsKey(id)) {
                    continue; // the interrupted acknowledgement took effect
                } else if (!e.getValue().equals(pending.get(id))) {
                    missing.add(id);
                }
            }
            Set<MessageId> keptAside = new TreeSet<>(outbox.keptAside().stream().map(KeptAside::id).toList());
            for (MessageId id : ack.removalStarted) {
                if (id.seq() == 19 && ack.appended.containsKey(id) && !pending.containsKey(id)) {
                    assertThat(keptAside).as("%s: a rejection that took effect kept the message aside", when).contains(id);
                }
            }
            assertThat(missing).as("%s: appended messages missing or changed (files: %s)", when,
                    PowerCutFileIo.names(data.resolve("outbox"))).isEmpty();
            assertThat(ack.attempted).as("%s: nothing appears that was never appended", when).containsAll(pending.keySet());
            assertThat(keptAside).as("%s: the rejected message is kept aside", when).containsAll(ack.rejected);
            if (ack.boot >= 0) {
                assertThat(BootCounter.next(data, outbox.maxBootSeen())).as("%s: the boot counter never goes back", when)
                        .isGreaterThan(ack.boot);
            }
        }
    }
}
