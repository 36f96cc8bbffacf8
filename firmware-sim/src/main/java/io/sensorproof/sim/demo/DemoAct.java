package io.sensorproof.sim.demo;

/**
 * One part of the demo's simulated world (issue 16): the cold rooms pledged to banks, the tampered
 * device, the factory whose emissions fall. The demo command prepares every act, then plays them side
 * by side against one standalone gateway; each act tells what happens through the {@link Narrative}
 * and ends when its outcome is reached (frozen, minted, refused) or fails with a {@link DemoStepFailed}
 * naming the step. Acts must be restartable on a resumed data directory: {@link #prepare} finds what
 * an earlier start created instead of creating it twice. An act whose devices keep streaming after
 * {@link #play} (until the demo is stopped) also implements {@link AutoCloseable}; the demo closes it when
 * it stops.
 */
public interface DemoAct {
    /** Short name used in the narrative and the final summary, e.g. {@code "cold rooms"}. */
    String name();

    /**
     * Creates (or finds, on a resumed data directory) what the act needs: tenants, API keys, devices,
     * lots or emissions facilities, their on-chain counterparts and links.
     */
    void prepare(DemoContext context) throws Exception;

    /** Runs the act until its outcome is reached; throws {@link DemoStepFailed} naming the step that failed. */
    void play(DemoContext context) throws Exception;
}
