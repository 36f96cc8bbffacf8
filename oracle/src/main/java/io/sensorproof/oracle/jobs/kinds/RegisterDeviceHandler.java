package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The "register device" job: {@code AnchorRegistry.registerDevice(device, keyHash)}, which must come
 * before a bank can name the device in a facility (CollateralFinancing checks {@code isDeviceRegistered})
 * and before any claim of the device is anchored. {@code device} is the protocol §7.4 device field (the
 * id's ASCII bytes as a big-endian integer, 0 &lt; field &lt; 2²⁴⁸) and {@code keyHash} the SHA-256 of
 * the device key's canonical SPKI DER (docs/contracts.md "Devices").
 *
 * <p>One job per (device, key hash). The registry registers a field once and refuses it again with
 * {@code DeviceAlreadyRegistered}; the runner meets that refusal when it estimates the call, so nothing
 * is sent and the job ends FAILED with code {@code REVERTED:DeviceAlreadyRegistered}. {@link
 * #registered(Job)} reads that outcome as done (ADR 024): the device is registered, which is all a
 * facility or a claim needs. Whether the key on chain is this job's key is not decided by the revert
 * (the registry keeps the first key); key rotation is not done by this kind.
 */
public final class RegisterDeviceHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "register-device";
    /** The failure code of a job whose device was registered already (nothing sent). */
    public static final String ALREADY_REGISTERED = "REVERTED:DeviceAlreadyRegistered";
    /** The registry's bound on device fields (exclusive). */
    public static final BigInteger DEVICE_BOUND = BigInteger.ONE.shiftLeft(248);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;

    /** @param registry the AnchorRegistry's address */
    public RegisterDeviceHandler(String registry) {
        this.registry = Objects.requireNonNull(registry, "registry").toLowerCase(Locale.ROOT);
    }

    /**
     * The job that registers {@code deviceId} (idempotency key {@code register-device:<id>:<keyHash hex>}).
     *
     * @param deviceId the device id, for people and the key
     * @param deviceField the id as a field (protocol §7.4)
     * @param keyHash SHA-256 of the device key's SPKI DER, 32 bytes, not all zero
     * @throws JobException {@code INVALID_JOB} for a field out of (0, 2²⁴⁸) or a key hash that is not 32 non-zero bytes
     */
    public static NewJob job(String deviceId, BigInteger deviceField, byte[] keyHash) {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceField, "deviceField");
        Objects.requireNonNull(keyHash, "keyHash");
        if (deviceField.signum() <= 0 || deviceField.compareTo(DEVICE_BOUND) >= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "device field of " + deviceId + " is not in (0, 2^248)");
        }
        if (keyHash.length != 32 || new BigInteger(1, keyHash).signum() == 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "key hash of " + deviceId + " must be 32 bytes, not all zero");
        }
        String hash = "0x" + HexFormat.of().formatHex(keyHash);
        String payload = JSON.createObjectNode()
                .put("deviceId", deviceId)
                .put("device", deviceField.toString())
                .put("keyHash", hash)
                .toString();
        return new NewJob(KIND, KIND + ":" + deviceId + ":" + hash, payload);
    }

    /**
     * Whether a register-device job has left its device registered: confirmed, or refused at estimation
     * because the field is registered already ({@link #ALREADY_REGISTERED}).
     */
    public static boolean registered(Job job) {
        if (!KIND.equals(job.kind())) {
            throw new IllegalArgumentException("not a " + KIND + " job: " + job.kind());
        }
        return job.state() == JobState.CONFIRMED
                || job.state() == JobState.FAILED && job.failure().map(f -> ALREADY_REGISTERED.equals(f.code())).orElse(false);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p = payload(job);
        Function f = new Function("registerDevice", List.of(
                new Uint256(new BigInteger(p.path("device").asText())),
                new Bytes32(HexFormat.of().parseHex(p.path("keyHash").asText().substring(2)))), List.of());
        return ContractCall.of(registry, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        JsonNode p = payload(job);
        return JSON.createObjectNode().put("deviceId", p.path("deviceId").asText()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", registry).toString();
    }

    private static JsonNode payload(Job job) {
        try {
            JsonNode p = JSON.readTree(job.payload());
            if (!p.path("device").isTextual() || !p.path("keyHash").asText("").matches("0x[0-9a-f]{64}")) {
                throw new JobException(JobException.Code.INVALID_JOB, "register-device payload lacks device or keyHash");
            }
            return p;
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
    }
}
