package io.sensorproof.gateway.carbon;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The carbon loop's decisions for one CarbonCredit period, from what the gateway knows (its claims and
 * their jobs) and what the chain says (closed, minted, voided, block time): which claim to submit next,
 * whether to close, whether to mint. Framework-free and pure, so every decision is unit-tested; the
 * loop ({@link CarbonLoop}) only gathers the inputs and carries the actions out.
 *
 * <p>Rules (ADR 025):
 * <ul>
 *   <li><b>Submit</b> a device's claims one at a time in chain order: the next unsubmitted claim only
 *       once it is anchored and every earlier claim's submission is confirmed (the contract checks exact
 *       continuity), and never after the period is closed.</li>
 *   <li><b>Close</b> once the chain's block time has reached the period's end and every device is
 *       finished: its planner status is COMPLETE or NOTHING_TO_CLAIM and every claim is submitted; or its
 *       chain is stopped by a job that failed for good (the contract charges the rest at the substitute
 *       rate); or its readings are refused by planning and the block time is past end + maxGap + the
 *       settlement wait. Nothing may be in flight (an anchor or submission neither confirmed nor failed).
 *       At most one close job per period, ever.</li>
 *   <li><b>Mint</b> once the chain says the period is closed, not voided, not minted, and its block time
 *       has reached closedAt + the challenge window. At most one mint job per period, ever; a period
 *       already closed or minted on chain is never closed or minted again.</li>
 * </ul>
 * Chain time is the latest block's timestamp, not the gateway's clock: a close or mint sent before the
 * chain's time allows it would revert at estimation and end its one job FAILED.
 */
public final class CarbonSteps {
    private CarbonSteps() {}

    /** Where a job stands, as far as the decisions care. */
    public enum JobStatus {
        /** No job yet. */
        NONE,
        /** Enqueued, not finished. */
        PENDING,
        /** Its effect is on chain (confirmed, or the contract said it was already done). */
        DONE,
        /** Failed for good. */
        FAILED
    }

    /** The gateway's view of a period's state (stored in {@code carbon_periods.state}). */
    public enum PeriodState { OPEN, CLOSABLE, CLOSED, MINTED, VOIDED }

    /** A device's planning outcome this round. */
    public enum DevicePlan { OPEN, WAITING_SETTLEMENT, COMPLETE, NOTHING_TO_CLAIM, REFUSED }

    /**
     * One planned claim of a device, in chain order.
     *
     * @param claimId the registry's claim id
     * @param anchor its anchor job
     * @param submit its submission job
     */
    public record Claim(String claimId, JobStatus anchor, JobStatus submit) {
        public Claim {
            Objects.requireNonNull(claimId);
            Objects.requireNonNull(anchor);
            Objects.requireNonNull(submit);
        }
    }

    /**
     * One device of the period.
     *
     * @param deviceId the device
     * @param plan this round's planning outcome
     * @param claims its claims in chain order
     */
    public record Device(String deviceId, DevicePlan plan, List<Claim> claims) {
        public Device {
            Objects.requireNonNull(deviceId);
            Objects.requireNonNull(plan);
            claims = List.copyOf(claims);
        }
    }

    /**
     * What the chain says about the period (read this round).
     *
     * @param closed closed on chain
     * @param closedAtSeconds when (0 while open)
     * @param voided voided by the regulator
     * @param minted minted
     * @param blockTimeSeconds the latest block's timestamp
     * @param challengeWindowSeconds the contract's challenge window
     */
    public record ChainState(boolean closed, long closedAtSeconds, boolean voided, boolean minted, long blockTimeSeconds,
            long challengeWindowSeconds) {}

    /**
     * Everything one decision takes.
     *
     * @param endSeconds the period's end (Unix seconds)
     * @param maxGapMs the period's maxGap
     * @param settleWaitMs the settlement wait
     * @param chain the chain's view
     * @param devices the period's devices
     * @param close the close job
     * @param mint the mint job
     */
    public record Input(long endSeconds, long maxGapMs, long settleWaitMs, ChainState chain, List<Device> devices,
            JobStatus close, JobStatus mint) {
        public Input {
            Objects.requireNonNull(chain);
            devices = List.copyOf(devices);
            Objects.requireNonNull(close);
            Objects.requireNonNull(mint);
        }
    }

    /**
     * The decisions.
     *
     * @param submit claims to submit now (at most one per device)
     * @param close whether to enqueue the close job
     * @param mint whether to enqueue the mint job
     * @param state the gateway's view of the period after this round
     * @param waitingFor why the period is not closable yet (empty once it is, or once closed)
     */
    public record Decision(List<String> submit, boolean close, boolean mint, PeriodState state, Optional<String> waitingFor) {
        public Decision {
            submit = List.copyOf(submit);
            Objects.requireNonNull(state);
            Objects.requireNonNull(waitingFor);
        }
    }

    /** Decides one round for one period. */
    public static Decision decide(Input in) {
        ChainState chain = in.chain();
        if (chain.voided()) {
            return new Decision(List.of(), false, false, PeriodState.VOIDED, Optional.empty());
        }
        if (chain.minted()) {
            return new Decision(List.of(), false, false, PeriodState.MINTED, Optional.empty());
        }
        if (chain.closed()) {
            long windowEnd = chain.closedAtSeconds() + chain.challengeWindowSeconds();
            boolean mint = in.mint() == JobStatus.NONE && chain.blockTimeSeconds() >= windowEnd;
            return new Decision(List.of(), false, mint, PeriodState.CLOSED, Optional.empty());
        }
        List<String> submit = new ArrayList<>();
        Optional<String> waiting = Optional.empty();
        long refusalDeadlineMs = in.endSeconds() * 1000 + in.maxGapMs() + in.settleWaitMs();
        boolean refusalsSettled = chain.blockTimeSeconds() * 1000 >= refusalDeadlineMs;
        for (Device d : in.devices()) {
            Walk walk = walk(d);
            walk.next().ifPresent(submit::add);
            Optional<String> reason = walk.finished() ? Optional.empty() : Optional.of(walk.waitingFor());
            if (walk.finished() && walk.stopped()) {
                reason = Optional.empty();
            } else if (!walk.finished() && d.plan() == DevicePlan.REFUSED && !walk.inFlight() && refusalsSettled) {
                reason = Optional.empty();
            }
            if (waiting.isEmpty() && reason.isPresent()) {
                waiting = reason;
            }
        }
        if (chain.blockTimeSeconds() < in.endSeconds()) {
            return new Decision(submit, false, false, PeriodState.OPEN,
                    Optional.of(waiting.orElse("the period has not ended on chain")));
        }
        if (waiting.isPresent()) {
            return new Decision(submit, false, false, PeriodState.OPEN, waiting);
        }
        return new Decision(submit, in.close() == JobStatus.NONE, false, PeriodState.CLOSABLE, Optional.empty());
    }

    private record Walk(Optional<String> next, boolean finished, boolean stopped, boolean inFlight, String waitingFor) {}

    /** Walks a device's chain: the claim to submit next, and whether the device is finished. */
    private static Walk walk(Device d) {
        String id = d.deviceId();
        for (Claim c : d.claims()) {
            if (c.submit() == JobStatus.DONE) {
                continue;
            }
            if (c.submit() == JobStatus.FAILED || c.anchor() == JobStatus.FAILED) {
                return new Walk(Optional.empty(), true, true, false, "");
            }
            if (c.submit() == JobStatus.PENDING) {
                return new Walk(Optional.empty(), false, false, true, "device " + id + ": submission of " + c.claimId()
                        + " is not confirmed");
            }
            if (c.anchor() == JobStatus.DONE) {
                return new Walk(Optional.of(c.claimId()), false, false, true, "device " + id + ": claim " + c.claimId()
                        + " is being submitted");
            }
            return new Walk(Optional.empty(), false, false, true, "device " + id + ": claim " + c.claimId()
                    + " is not anchored yet");
        }
        boolean planned = d.plan() == DevicePlan.COMPLETE || d.plan() == DevicePlan.NOTHING_TO_CLAIM;
        return new Walk(Optional.empty(), planned, false, false, "device " + id + ": planning is " + d.plan());
    }
}
