package io.sensorproof.sim.demo;

/**
 * A step of the demo did not reach its outcome (a freeze never confirmed, a mint refused, a device not
 * enrolled). {@code demo --once} prints it and ends with a non-zero status.
 */
public final class DemoStepFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String step;

    /**
     * @param step the step in narrative terms, e.g. {@code "frozen"}
     * @param reason what was expected and what was seen
     */
    public DemoStepFailed(String step, String reason) {
        super(step + ": " + reason);
        this.step = step;
    }

    /** The step that failed. */
    public String step() {
        return step;
    }
}
