package io.sensorproof.gateway.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.carbon.CarbonSteps.ChainState;
import io.sensorproof.gateway.carbon.CarbonSteps.Claim;
import io.sensorproof.gateway.carbon.CarbonSteps.Decision;
import io.sensorproof.gateway.carbon.CarbonSteps.Device;
import io.sensorproof.gateway.carbon.CarbonSteps.DevicePlan;
import io.sensorproof.gateway.carbon.CarbonSteps.Input;
import io.sensorproof.gateway.carbon.CarbonSteps.JobStatus;
import io.sensorproof.gateway.carbon.CarbonSteps.PeriodState;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarbonStepsTest {
    private static final long END = 1_000_000;
    private static final long MAX_GAP_MS = 60_000;
    private static final long WAIT_MS = 30_000;
    private static final long WINDOW = 120;

    private static ChainState open(long blockTime) {
        return new ChainState(false, 0, false, false, blockTime, WINDOW);
    }

    private static Input input(ChainState chain, List<Device> devices, JobStatus close, JobStatus mint) {
        return new Input(END, MAX_GAP_MS, WAIT_MS, chain, devices, close, mint);
    }

    private static Claim claim(String id, JobStatus anchor, JobStatus submit) {
        return new Claim(id, anchor, submit);
    }

    @Test
    void submitsADevicesClaimsOneAtATimeInChainOrderOnlyOnceAnchored() {
        Device notAnchored = new Device("d1", DevicePlan.OPEN, List.of(claim("a", JobStatus.PENDING, JobStatus.NONE),
                claim("b", JobStatus.DONE, JobStatus.NONE)));
        Device bothAnchored = new Device("d2", DevicePlan.OPEN, List.of(claim("c", JobStatus.DONE, JobStatus.NONE),
                claim("d", JobStatus.DONE, JobStatus.NONE)));
        Device firstPending = new Device("d3", DevicePlan.OPEN, List.of(claim("e", JobStatus.DONE, JobStatus.PENDING),
                claim("f", JobStatus.DONE, JobStatus.NONE)));
        Device firstDone = new Device("d4", DevicePlan.OPEN, List.of(claim("g", JobStatus.DONE, JobStatus.DONE),
                claim("h", JobStatus.DONE, JobStatus.NONE)));

        Decision d = CarbonSteps.decide(input(open(END - 10), List.of(notAnchored, bothAnchored, firstPending, firstDone),
                JobStatus.NONE, JobStatus.NONE));

        assertThat(d.submit()).containsExactly("c", "h");
        assertThat(d.close()).isFalse();
        assertThat(d.state()).isEqualTo(PeriodState.OPEN);
    }

    @Test
    void closesOnlyOnceTheChainsTimeReachedTheEndAndEveryDeviceIsFinished() {
        List<Device> finished = List.of(
                new Device("d1", DevicePlan.COMPLETE, List.of(claim("a", JobStatus.DONE, JobStatus.DONE))),
                new Device("d2", DevicePlan.NOTHING_TO_CLAIM, List.of()));
        List<Device> oneStillPlanning = List.of(finished.get(0), new Device("d2", DevicePlan.OPEN, List.of()));
        List<Device> oneInFlight = List.of(finished.get(1),
                new Device("d1", DevicePlan.COMPLETE, List.of(claim("a", JobStatus.DONE, JobStatus.PENDING))));

        assertThat(CarbonSteps.decide(input(open(END - 1), finished, JobStatus.NONE, JobStatus.NONE)).close()).isFalse();
        assertThat(CarbonSteps.decide(input(open(END), oneStillPlanning, JobStatus.NONE, JobStatus.NONE)).close()).isFalse();
        assertThat(CarbonSteps.decide(input(open(END), oneInFlight, JobStatus.NONE, JobStatus.NONE)).waitingFor())
                .hasValueSatisfying(w -> assertThat(w).contains("d1"));
        Decision d = CarbonSteps.decide(input(open(END), finished, JobStatus.NONE, JobStatus.NONE));
        assertThat(d.close()).isTrue();
        assertThat(d.state()).isEqualTo(PeriodState.CLOSABLE);
        assertThat(CarbonSteps.decide(input(open(END), finished, JobStatus.PENDING, JobStatus.NONE)).close()).isFalse();
        assertThat(CarbonSteps.decide(input(open(END), finished, JobStatus.FAILED, JobStatus.NONE)).close()).isFalse();
    }

    @Test
    void aChainStoppedByAFailedJobIsChargedAndDoesNotHoldTheCloseBack() {
        List<Device> stopped = List.of(new Device("d1", DevicePlan.COMPLETE, List.of(
                claim("a", JobStatus.DONE, JobStatus.DONE), claim("b", JobStatus.FAILED, JobStatus.NONE),
                claim("c", JobStatus.DONE, JobStatus.NONE))));

        Decision d = CarbonSteps.decide(input(open(END), stopped, JobStatus.NONE, JobStatus.NONE));

        assertThat(d.submit()).isEmpty();
        assertThat(d.close()).isTrue();
    }

    @Test
    void refusedReadingsHoldTheCloseBackUntilEndPlusMaxGapPlusTheSettlementWait() {
        List<Device> refused = List.of(new Device("d1", DevicePlan.REFUSED, List.of(claim("a", JobStatus.DONE, JobStatus.DONE))));
        long deadline = END + (MAX_GAP_MS + WAIT_MS) / 1000;

        assertThat(CarbonSteps.decide(input(open(deadline - 1), refused, JobStatus.NONE, JobStatus.NONE)).close()).isFalse();
        assertThat(CarbonSteps.decide(input(open(deadline), refused, JobStatus.NONE, JobStatus.NONE)).close()).isTrue();
    }

    @Test
    void mintsOnceAfterTheChallengeWindowOnChainTime() {
        List<Device> finished = List.of(new Device("d1", DevicePlan.COMPLETE, List.of(claim("a", JobStatus.DONE, JobStatus.DONE))));
        long closedAt = END + 5;
        ChainState inWindow = new ChainState(true, closedAt, false, false, closedAt + WINDOW - 1, WINDOW);
        ChainState after = new ChainState(true, closedAt, false, false, closedAt + WINDOW, WINDOW);

        Decision early = CarbonSteps.decide(input(inWindow, finished, JobStatus.DONE, JobStatus.NONE));
        assertThat(early.mint()).isFalse();
        assertThat(early.close()).isFalse();
        assertThat(early.state()).isEqualTo(PeriodState.CLOSED);
        assertThat(CarbonSteps.decide(input(after, finished, JobStatus.DONE, JobStatus.NONE)).mint()).isTrue();
        assertThat(CarbonSteps.decide(input(after, finished, JobStatus.DONE, JobStatus.PENDING)).mint()).isFalse();
        assertThat(CarbonSteps.decide(input(after, finished, JobStatus.DONE, JobStatus.FAILED)).mint()).isFalse();
    }

    @Test
    void aPeriodClosedMintedOrVoidedOnChainIsNeverClosedOrMintedAgain() {
        List<Device> unsubmitted = List.of(new Device("d1", DevicePlan.COMPLETE, List.of(claim("a", JobStatus.DONE, JobStatus.NONE))));
        ChainState closedElsewhere = new ChainState(true, END, false, false, END + 1, WINDOW);
        ChainState minted = new ChainState(true, END, false, true, END + WINDOW + 100, WINDOW);
        ChainState voided = new ChainState(true, END, true, false, END + WINDOW + 100, WINDOW);

        Decision closed = CarbonSteps.decide(input(closedElsewhere, unsubmitted, JobStatus.NONE, JobStatus.NONE));
        assertThat(closed.close()).isFalse();
        assertThat(closed.submit()).isEmpty();
        Decision m = CarbonSteps.decide(input(minted, unsubmitted, JobStatus.NONE, JobStatus.NONE));
        assertThat(m.mint()).isFalse();
        assertThat(m.state()).isEqualTo(PeriodState.MINTED);
        Decision v = CarbonSteps.decide(input(voided, unsubmitted, JobStatus.NONE, JobStatus.NONE));
        assertThat(v.mint()).isFalse();
        assertThat(v.state()).isEqualTo(PeriodState.VOIDED);
    }
}
