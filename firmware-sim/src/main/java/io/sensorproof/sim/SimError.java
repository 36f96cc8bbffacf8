package io.sensorproof.sim;

/** Stable codes of the simulator's failures; they appear in CLI output and never change meaning. */
public enum SimError {
    /** The scenario file is not valid JSON or breaks the scenario format. */
    SCENARIO_INVALID,
    /** The gateway's operator API answered with an unexpected status or body. */
    GATEWAY_API,
    /** A device could not be registered or enrolled with the gateway. */
    PROVISIONING_FAILED,
    /** A device process failed to start, or exited with an error. */
    DEVICE_PROCESS_FAILED,
    /** An injected fault could not be carried out (for example no stored message to replay). */
    FAULT_NOT_INJECTED
}
