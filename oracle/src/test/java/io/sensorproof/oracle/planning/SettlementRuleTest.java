package io.sensorproof.oracle.planning;

import static io.sensorproof.oracle.planning.Fixtures.DEVICE;
import static io.sensorproof.oracle.planning.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.claims.CommittedReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlementRuleTest {
    final SettlementRule rule = new SettlementRule(Duration.ofMinutes(5));

    static StoredReading at(long boot, long seq, long arrived) {
        return new StoredReading(new CommittedReading(DEVICE, boot, seq, 0, 1, T0 + boot * 1_000_000 + seq * 1000, 29000),
                arrived);
    }

    static AccountedMessages ids(long[]... bootSeq) {
        List<MessageId> out = new ArrayList<>();
        for (long[] pair : bootSeq) {
            out.add(new MessageId(pair[0], pair[1]));
        }
        return AccountedMessages.of(out);
    }

    @Test
    void aWindowWithNoHoleInsideOrNextToItIsSettledBySequence() {
        List<StoredReading> window = List.of(at(1, 4, 0), at(1, 6, 0));
        Settlement s = rule.judge(window, Fixtures.seqsUpTo(1, 9), 0);
        assertThat(s.basis()).isEqualTo(Settlement.Basis.SEQUENCE);
        assertThat(s.firstHole()).isEmpty();
    }

    @Test
    void aHoleInsideTheSpanHoldsTheWindowUntilTheWaitHasPassedSinceItsLastReadingArrived() {
        List<StoredReading> window = List.of(at(1, 4, 100), at(1, 6, 200));
        AccountedMessages ledger = Fixtures.seqsUpTo(1, 9, 5);
        Settlement held = rule.judge(window, ledger, 200 + 299_999);
        assertThat(held.basis()).isEqualTo(Settlement.Basis.UNSETTLED);
        assertThat(held.firstHole()).contains(new MessageId(1, 5));
        assertThat(rule.judge(window, ledger, 200 + 300_000).basis()).isEqualTo(Settlement.Basis.WAIT);
        assertThat(rule.judge(window, ledger, 200 + 300_000).lastArrivalMillis()).isEqualTo(200);
    }

    @Test
    void theMissingPredecessorIsAHoleButABootsFirstMessageHasNone() {
        assertThat(rule.judge(List.of(at(1, 4, 0), at(1, 5, 0)), Fixtures.seqsUpTo(1, 9, 3), 0).firstHole())
                .contains(new MessageId(1, 3));
        assertThat(rule.judge(List.of(at(2, 0, 0), at(2, 1, 0)), ids(new long[] {2, 0}, new long[] {2, 1}), 0).basis())
                .isEqualTo(Settlement.Basis.SEQUENCE);
    }

    @Test
    void theSuccessorIsAHoleOnlyWhenALaterMessageOfTheBootIsKnown() {
        List<StoredReading> window = List.of(at(1, 4, 0), at(1, 5, 0));
        // 1:5 is the latest message the gateway knows of: nothing to wait for
        assertThat(rule.judge(window, Fixtures.seqsUpTo(1, 5), 0).basis()).isEqualTo(Settlement.Basis.SEQUENCE);
        // 1:7 is known, 1:6 is not: a backlog may be on its way
        assertThat(rule.judge(window, Fixtures.seqsUpTo(1, 7, 6), 0).firstHole()).contains(new MessageId(1, 6));
    }

    @Test
    void seqsMissingAtTheEndOfABootAfterARebootAreACrashTailNotAHole() {
        // boot 3 ends at seq 10 (a crash lost what it signed after), boot 4 starts at 0
        List<MessageId> ledger = new ArrayList<>();
        for (long seq = 0; seq <= 10; seq++) {
            ledger.add(new MessageId(3, seq));
        }
        ledger.add(new MessageId(4, 0));
        ledger.add(new MessageId(4, 1));
        AccountedMessages accounted = AccountedMessages.of(ledger);
        assertThat(rule.judge(List.of(at(3, 9, 0), at(3, 10, 0)), accounted, 0).basis())
                .isEqualTo(Settlement.Basis.SEQUENCE);
        assertThat(rule.judge(List.of(at(3, 9, 0), at(4, 1, 0)), accounted, 0).basis())
                .isEqualTo(Settlement.Basis.SEQUENCE);
        // a seq missing before a later one of the same boot is a hole, reboot or not
        AccountedMessages withoutTen = AccountedMessages.of(ledger.stream().filter(id -> !id.equals(new MessageId(3, 10))).toList());
        assertThat(rule.judge(List.of(at(3, 8, 0), at(3, 9, 0)), withoutTen, 0).firstHole()).isEmpty();
        List<MessageId> withEleven = new ArrayList<>(ledger);
        withEleven.remove(new MessageId(3, 10));
        withEleven.add(new MessageId(3, 11));
        assertThat(rule.judge(List.of(at(3, 8, 0), at(3, 9, 0)), AccountedMessages.of(withEleven), 0).firstHole())
                .contains(new MessageId(3, 10));
        // but a hole at the start of the later boot is one
        AccountedMessages withoutFirst = AccountedMessages.of(ledger.stream().filter(id -> !id.equals(new MessageId(4, 0))).toList());
        assertThat(rule.judge(List.of(at(3, 9, 0), at(4, 1, 0)), withoutFirst, 0).firstHole())
                .contains(new MessageId(4, 0));
    }
}
