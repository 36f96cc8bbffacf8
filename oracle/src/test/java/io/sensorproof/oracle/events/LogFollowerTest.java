package io.sensorproof.oracle.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogFollowerTest {
    private static final String CLAIM = "0x" + "ab".repeat(32);
    private final FakeChain chain = new FakeChain();
    private final MemoryState state = new MemoryState();

    private LogFollower follower(int confirmations, int maxRange) {
        return new LogFollower(chain, Logs.decoder(), new FollowerSettings(confirmations, maxRange, 0, 64));
    }

    private Optional<CollateralFacilityState> facility(long id) {
        return CollateralFacilityState.fold(BigInteger.valueOf(id), state.live());
    }

    @Test
    void readsOnlyBlocksWithEnoughConfirmations() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1));
        chain.mine(Logs.frozen(1, CLAIM)); // head = 3
        LogFollower f = follower(2, 100);

        state.catchUp(f);

        assertThat(state.cursor().orElseThrow().number()).isEqualTo(2);
        assertThat(facility(1).orElseThrow().state()).isEqualTo(CollateralFacilityState.ACTIVE);
        chain.mine();
        state.catchUp(f);
        assertThat(facility(1).orElseThrow().state()).isEqualTo(CollateralFacilityState.FROZEN);
        assertThat(facility(1).orElseThrow().freeze().claimIds()).containsExactly(CLAIM);
    }

    @Test
    void resumesFromTheCursorWithoutRereading() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1));
        state.catchUp(follower(1, 100));
        int queries = chain.queries.size();

        chain.mine(Logs.frozen(1, CLAIM));
        LogFollower restarted = follower(1, 100);
        state.catchUp(restarted);

        assertThat(chain.queries.subList(queries, chain.queries.size())).singleElement()
                .satisfies(q -> assertThat(q).containsExactly(3, 3));
        assertThat(state.live()).extracting(ChainEvent::name).containsExactly("FacilityCreated", "FacilityAccepted", "Frozen");
    }

    @Test
    void reorgRewindsToTheNewestCommonBlockAndTheProjectionFollowsTheNewFork() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1)); // 2
        chain.mine(Logs.frozen(1, CLAIM)); // 3
        chain.mine(Logs.unfrozen(1, "inspected", 100)); // 4
        LogFollower f = follower(1, 2);
        state.catchUp(f);
        assertThat(facility(1).orElseThrow().state()).isEqualTo(CollateralFacilityState.ACTIVE);

        chain.fork(2); // blocks 3 and 4 replaced: on the new fork the facility is frozen and never unfrozen
        chain.mine();
        chain.mine(Logs.frozen(1, CLAIM));
        FollowStep step = f.next(state);

        assertThat(step).isInstanceOfSatisfying(FollowStep.Rewind.class, r -> {
            assertThat(r.to()).contains(new BlockRef(2, chain.hash(2)));
            assertThat(r.lostFrom()).isEqualTo(3);
        });
        state.apply(step);
        assertThat(facility(1).orElseThrow().state()).isEqualTo(CollateralFacilityState.ACTIVE);
        assertThat(facility(1).orElseThrow().lastUnfreeze()).isNull();
        state.catchUp(f);
        CollateralFacilityState now = facility(1).orElseThrow();
        assertThat(now.state()).isEqualTo(CollateralFacilityState.FROZEN);
        assertThat(now.freeze().blockNumber()).isEqualTo(4);
        assertThat(now.lastUnfreeze()).isNull();
        assertThat(state.events.values()).filteredOn(MemoryState.Stored::removed).extracting(s -> s.event().name())
                .containsExactlyInAnyOrder("Frozen", "Unfrozen");
    }

    @Test
    void lostBlocksBelowTheCursorRemoveTheirEvents() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1)); // 2
        chain.mine(Logs.frozen(1, CLAIM)); // 3
        LogFollower f = follower(1, 100);
        state.catchUp(f);
        assertThat(facility(1).orElseThrow().frozen()).isTrue();

        chain.truncate(2); // a local chain restarted from a state before the freeze; head below the cursor
        state.catchUp(f);

        assertThat(state.cursor()).contains(new BlockRef(2, chain.hash(2)));
        assertThat(facility(1).orElseThrow().state()).isEqualTo(CollateralFacilityState.ACTIVE);
        assertThat(facility(1).orElseThrow().freeze()).isNull();
    }

    @Test
    void aChainThatLostEverythingRewindsToTheStartBlock() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1));
        LogFollower f = follower(1, 100);
        state.catchUp(f);

        chain.fork(0); // a fresh chain: even block 1 is another block now
        chain.mine();
        chain.mine();
        chain.mine();
        FollowStep step = f.next(state);

        assertThat(step).isInstanceOfSatisfying(FollowStep.Rewind.class, r -> {
            assertThat(r.to()).isEmpty();
            assertThat(r.lostFrom()).isZero();
        });
        state.apply(step);
        state.catchUp(f);
        assertThat(facility(1)).isEmpty();
        assertThat(state.cursor().orElseThrow().number()).isEqualTo(3);
    }

    @Test
    void aLogDeliveredTwiceIsOneEvent() {
        chain.duplicateDelivery = true;
        chain.mine(Logs.created(1), Logs.accepted(1));

        FollowStep step = follower(1, 100).next(state);

        assertThat(step).isInstanceOfSatisfying(FollowStep.Advance.class,
                a -> assertThat(a.events()).extracting(ChainEvent::name).containsExactly("FacilityCreated", "FacilityAccepted"));
    }

    @Test
    void theSameLogReadAgainAfterARewindIsNotDuplicated() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1));
        LogFollower f = follower(1, 100);
        state.catchUp(f);
        // a rewind to before the start (e.g. after a lost checkpoint) re-reads the same blocks
        state.apply(new FollowStep.Rewind(Optional.empty(), 0, state.cursor().orElseThrow()));
        state.catchUp(f);

        assertThat(state.events).hasSize(2);
        assertThat(state.live()).hasSize(2);
    }

    @Test
    void aRangeTheNodeRefusesIsSplit() {
        chain.mineEmpty(20);
        chain.mine(Logs.created(1)); // 21
        chain.maxRange = 5;
        LogFollower f = follower(1, 16);

        FollowStep first = f.next(state);

        assertThat(first).isInstanceOfSatisfying(FollowStep.Advance.class, a -> {
            assertThat(a.fromBlock()).isZero();
            assertThat(a.to().number()).isEqualTo(3); // 16 -> 8 -> 4 blocks
        });
        state.apply(first);
        state.catchUp(f);
        assertThat(state.cursor().orElseThrow().number()).isEqualTo(21);
        assertThat(state.live()).extracting(ChainEvent::name).containsExactly("FacilityCreated");
        assertThat(chain.queries.subList(0, 3)).extracting(q -> q[1] - q[0] + 1).containsExactly(16L, 8L, 4L);
    }

    @Test
    void aSingleBlockTheNodeRefusesIsAnError() {
        chain.mine(Logs.created(1));
        chain.maxRange = 0;

        assertThatThrownBy(() -> follower(1, 4).next(state)).isInstanceOfSatisfying(ChainEventException.class,
                e -> assertThat(e.code()).isEqualTo(ChainEventException.Code.RANGE_TOO_LARGE));
    }

    @Test
    void aReorgDuringTheReadRefusesTheStep() {
        chain.mine(Logs.created(1));
        chain.mine(Logs.accepted(1));
        chain.afterLogs = () -> {
            chain.afterLogs = () -> { };
            chain.fork(1);
            chain.mine();
        };

        assertThatThrownBy(() -> follower(1, 100).next(state)).isInstanceOfSatisfying(ChainEventException.class,
                e -> assertThat(e.code()).isEqualTo(ChainEventException.Code.INCONSISTENT));
        assertThat(state.cursor()).isEmpty();
    }

    @Test
    void anUndecodableLogIsRefusedAndKeptNotThrown() {
        Logs.Draft good = Logs.frozen(1, CLAIM);
        Logs.Draft truncated = new Logs.Draft(good.address(), good.topics(), good.data().substring(0, 66));
        chain.mine(Logs.created(1), truncated, Logs.accepted(1));

        FollowStep step = follower(1, 100).next(state);

        assertThat(step).isInstanceOfSatisfying(FollowStep.Advance.class, a -> {
            assertThat(a.events()).extracting(ChainEvent::name).containsExactly("FacilityCreated", "FacilityAccepted");
            assertThat(a.refused()).singleElement().satisfies(r -> assertThat(r.reason()).contains("UNDECODABLE", "Frozen"));
        });
    }

    @Test
    void idleWhenNothingIsConfirmed() {
        LogFollower f = follower(3, 100);
        chain.mine();

        assertThat(f.next(state)).isEqualTo(new FollowStep.Idle(1));
        assertThat(List.copyOf(chain.queries)).isEmpty();
    }
}
