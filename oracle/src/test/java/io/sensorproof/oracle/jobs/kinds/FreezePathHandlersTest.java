package io.sensorproof.oracle.jobs.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.contracts.AnchorRegistry;
import io.sensorproof.oracle.contracts.CollateralFinancing;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.claims.ProofRequest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The freeze path's job kinds without a chain: their call data against the generated web3j wrappers
 * (an independent encoder of the same ABI), their idempotency keys, their self-check and how a
 * refusal that means "already done" is read.
 */
class FreezePathHandlersTest {
    private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String FINANCING = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    private static final BigInteger DEVICE = new BigInteger(1, "cold-store-7".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] KEY_HASH = HexFormat.of().parseHex("11".repeat(32));
    private static final Web3j OFFLINE = Web3j.build(new HttpService("http://127.0.0.1:9"));
    private static final Credentials ANY = Credentials.create("0x" + "01".repeat(32));

    private static String fixture() throws Exception {
        return Files.readString(ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/excursion/proof.json"));
    }

    private static Job job(NewJob n, JobState state, Optional<String> proof, Optional<JobFailure> failure) {
        Instant t = Instant.EPOCH;
        return new Job(7, n.kind(), n.idempotencyKey(), n.payload(), state, 0, t, proof, Optional.empty(),
                OptionalLong.empty(), Optional.empty(), 0, Optional.empty(), failure, Optional.empty(), t, t);
    }

    private static ProofRequest request(String proofJson) {
        ObjectNode args = new ObjectMapper().createObjectNode().put("note", "arguments are passed through");
        return new ProofRequest(ClaimCalldata.EXCURSION, args, ClaimCalldata.inputs(proofJson));
    }

    // ------------------------------------------------------------------ register device

    @Test
    void registerDeviceCallIsTheRegistrysRegisterDevice() throws Exception {
        NewJob n = RegisterDeviceHandler.job("cold-store-7", DEVICE, KEY_HASH);
        String data = new RegisterDeviceHandler(REGISTRY).call(job(n, JobState.ASSEMBLED, Optional.empty(), Optional.empty())).data();
        AnchorRegistry wrapper = AnchorRegistry.load(REGISTRY, OFFLINE, ANY, new DefaultGasProvider());
        assertThat(data).isEqualTo(wrapper.registerDevice(DEVICE, KEY_HASH).encodeFunctionCall());
        assertThat(n.idempotencyKey()).isEqualTo("register-device:cold-store-7:0x" + "11".repeat(32));
        assertThat(RegisterDeviceHandler.job("cold-store-7", DEVICE, KEY_HASH)).isEqualTo(n);
    }

    @Test
    void registerDeviceRefusesFieldsAndKeyHashesTheRegistryWouldRefuse() {
        assertThatThrownBy(() -> RegisterDeviceHandler.job("d", BigInteger.ZERO, KEY_HASH)).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> RegisterDeviceHandler.job("d", RegisterDeviceHandler.DEVICE_BOUND, KEY_HASH))
                .isInstanceOf(JobException.class);
        assertThatThrownBy(() -> RegisterDeviceHandler.job("d", DEVICE, new byte[32])).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> RegisterDeviceHandler.job("d", DEVICE, new byte[31])).isInstanceOf(JobException.class);
        assertThat(RegisterDeviceHandler.job("d", RegisterDeviceHandler.DEVICE_BOUND.subtract(BigInteger.ONE), KEY_HASH))
                .isNotNull();
    }

    @Test
    void aDeviceRegisteredAlreadyCountsAsRegisteredOtherFailuresDoNot() {
        NewJob n = RegisterDeviceHandler.job("cold-store-7", DEVICE, KEY_HASH);
        assertThat(RegisterDeviceHandler.registered(job(n, JobState.CONFIRMED, Optional.empty(), Optional.empty()))).isTrue();
        assertThat(RegisterDeviceHandler.registered(job(n, JobState.FAILED, Optional.empty(),
                Optional.of(new JobFailure("REVERTED:DeviceAlreadyRegistered", "already"))))).isTrue();
        assertThat(RegisterDeviceHandler.registered(job(n, JobState.FAILED, Optional.empty(),
                Optional.of(new JobFailure("REVERTED:AccessControlUnauthorizedAccount", "no role"))))).isFalse();
        assertThat(RegisterDeviceHandler.registered(job(n, JobState.SUBMITTED, Optional.empty(), Optional.empty()))).isFalse();
    }

    // ------------------------------------------------------------------ run claim

    @Test
    void runClaimIsProvedByThePortSelfVerifiedAndSentAsTheRegistrysAnchorRunClaim() throws Exception {
        String proof = fixture();
        List<ProofRequest> asked = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        RunClaimHandler handler = new RunClaimHandler(REGISTRY, r -> {
            asked.add(r);
            return proof;
        }, (id, tx, block) -> recorded.add(id + "@" + tx + "#" + block));
        NewJob n = RunClaimHandler.job(request(proof));
        Job assembled = job(n, JobState.ASSEMBLED, Optional.empty(), Optional.empty());
        assertThat(handler.needsProof()).isTrue();
        assertThat(handler.prove(assembled)).isEqualTo(proof);
        assertThat(asked).containsExactly(request(proof));

        Job proved = job(n, JobState.PROVED, Optional.of(proof), Optional.empty());
        handler.selfVerify(proved);
        ZkProofFile file = ZkProofFile.parse(new ObjectMapper().readTree(proof));
        AnchorRegistry wrapper = AnchorRegistry.load(REGISTRY, OFFLINE, ANY, new DefaultGasProvider());
        assertThat(handler.call(proved).data())
                .isEqualTo(wrapper.anchorRunClaim(file.inputs(), file.proof()).encodeFunctionCall());

        String id = RunClaimHandler.claimId(file.inputs());
        assertThat(n.idempotencyKey()).isEqualTo("run-claim:" + id);
        handler.result(proved, new MinedTransaction("0xAB", 12, "0xbeef", true, BigInteger.valueOf(21_000)));
        assertThat(recorded).containsExactly(id + "@0xab#12");
    }

    @Test
    void aRunClaimProofForOtherInputsOrTamperedFailsSelfVerification() throws Exception {
        String proof = fixture();
        RunClaimHandler handler = new RunClaimHandler(REGISTRY, r -> proof, (id, tx, block) -> { });
        List<BigInteger> other = new ArrayList<>(ClaimCalldata.inputs(proof));
        other.set(6, other.get(6).add(BigInteger.ONE));
        NewJob longer = RunClaimHandler.job(new ProofRequest(ClaimCalldata.EXCURSION,
                new ObjectMapper().createObjectNode(), other));
        assertThatThrownBy(() -> handler.selfVerify(job(longer, JobState.PROVED, Optional.of(proof), Optional.empty())))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobException.Code.SELF_VERIFY_FAILED));

        ObjectNode tampered = (ObjectNode) new ObjectMapper().readTree(proof);
        ArrayNode c = (ArrayNode) tampered.path("proof").path("c");
        c.set(1, c.get(0));
        NewJob n = RunClaimHandler.job(request(proof));
        assertThatThrownBy(() -> handler.selfVerify(job(n, JobState.PROVED, Optional.of(tampered.toString()), Optional.empty())))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobException.Code.SELF_VERIFY_FAILED));
    }

    @Test
    void aRunClaimPayloadWhoseIdIsNotItsInputsIsRefused() throws Exception {
        String proof = fixture();
        NewJob n = RunClaimHandler.job(request(proof));
        String forged = n.payload().replace(RunClaimHandler.claimId(ClaimCalldata.inputs(proof)), "0x" + "00".repeat(32));
        RunClaimHandler handler = new RunClaimHandler(REGISTRY, r -> proof, (id, tx, block) -> { });
        assertThatThrownBy(() -> handler.prove(job(new NewJob(n.kind(), n.idempotencyKey(), forged), JobState.ASSEMBLED,
                Optional.empty(), Optional.empty())))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.INVALID_JOB));
        assertThatThrownBy(() -> RunClaimHandler.job(new ProofRequest("emissions", new ObjectMapper().createObjectNode(),
                ClaimCalldata.inputs(proof)))).isInstanceOf(JobException.class);
    }

    @Test
    void aClaimAnchoredAlreadyCountsAsAnchoredOtherFailuresDoNot() throws Exception {
        NewJob n = RunClaimHandler.job(request(fixture()));
        assertThat(RunClaimHandler.anchored(job(n, JobState.CONFIRMED, Optional.empty(), Optional.empty()))).isTrue();
        assertThat(RunClaimHandler.anchored(job(n, JobState.FAILED, Optional.empty(),
                Optional.of(new JobFailure("REVERTED:ClaimAlreadyAnchored", "there"))))).isTrue();
        assertThat(RunClaimHandler.anchored(job(n, JobState.FAILED, Optional.empty(),
                Optional.of(new JobFailure("REVERTED:DeviceNotRegistered", "not yet"))))).isFalse();
        assertThat(RunClaimHandler.anchored(job(n, JobState.SELF_VERIFIED, Optional.empty(), Optional.empty()))).isFalse();
    }

    // ------------------------------------------------------------------ freeze

    @Test
    void freezeCallIsTheFinancingContractsFreezeWithRunsInOrder() {
        String a1 = "0x" + "a1".repeat(32);
        String a2 = "0x" + "a2".repeat(32);
        String b1 = "0x" + "b1".repeat(32);
        NewJob n = FreezeHandler.job(BigInteger.valueOf(3), 1, List.of(List.of(a1, a2), List.of(b1)));
        String data = new FreezeHandler(FINANCING).call(job(n, JobState.ASSEMBLED, Optional.empty(), Optional.empty())).data();
        CollateralFinancing wrapper = CollateralFinancing.load(FINANCING, OFFLINE, ANY, new DefaultGasProvider());
        List<CollateralFinancing.Run> runs = List.of(
                new CollateralFinancing.Run(List.of(bytes(a1), bytes(a2))), new CollateralFinancing.Run(List.of(bytes(b1))));
        assertThat(data).isEqualTo(wrapper.freeze(BigInteger.valueOf(3), BigInteger.ONE, runs).encodeFunctionCall());
    }

    @Test
    void aFreezeIsKeyedByFacilityQuantityAndTheRunsFirstClaims() {
        String a1 = "0x" + "a1".repeat(32);
        String a2 = "0x" + "a2".repeat(32);
        String a3 = "0x" + "a3".repeat(32);
        String b1 = "0x" + "b1".repeat(32);
        String key = FreezeHandler.job(BigInteger.TEN, 1, List.of(List.of(a1, a2))).idempotencyKey();
        assertThat(key).startsWith("freeze:10:1:").hasSizeLessThanOrEqualTo(200);
        // the same excursion seen again, its chain one claim longer: the same freeze
        assertThat(FreezeHandler.job(BigInteger.TEN, 1, List.of(List.of(a1.toUpperCase().replace("0X", "0x"), a2, a3)))
                .idempotencyKey()).isEqualTo(key);
        // another run, another quantity, another facility: another freeze
        assertThat(FreezeHandler.job(BigInteger.TEN, 1, List.of(List.of(a2, a3))).idempotencyKey()).isNotEqualTo(key);
        assertThat(FreezeHandler.job(BigInteger.TEN, 1, List.of(List.of(a1), List.of(b1))).idempotencyKey()).isNotEqualTo(key);
        assertThat(FreezeHandler.job(BigInteger.TEN, 2, List.of(List.of(a1))).idempotencyKey()).isNotEqualTo(key);
        assertThat(FreezeHandler.job(BigInteger.ONE, 1, List.of(List.of(a1))).idempotencyKey()).isNotEqualTo(key);
    }

    @Test
    void aLaterAttemptOfTheSameRunsIsANewJobWithTheSamePayload() {
        List<List<String>> runs = List.of(List.of("0x" + "a1".repeat(32)));
        NewJob first = FreezeHandler.job(BigInteger.TEN, 1, runs);
        assertThat(FreezeHandler.job(BigInteger.TEN, 1, runs, 1)).isEqualTo(first);
        NewJob second = FreezeHandler.job(BigInteger.TEN, 1, runs, 2);
        assertThat(second.idempotencyKey()).isEqualTo(first.idempotencyKey() + ":attempt-2");
        assertThat(second.payload()).isEqualTo(first.payload());
        assertThat(FreezeHandler.attemptOf(first.idempotencyKey())).isEqualTo(1);
        assertThat(FreezeHandler.attemptOf(second.idempotencyKey())).isEqualTo(2);
        assertThat(FreezeHandler.firstAttemptKey(second.idempotencyKey())).isEqualTo(first.idempotencyKey());
        assertThat(FreezeHandler.firstAttemptKey(first.idempotencyKey())).isEqualTo(first.idempotencyKey());
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.TEN, 1, runs, 0)).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.attemptOf(first.idempotencyKey() + ":attempt-x")).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.attemptOf(first.idempotencyKey() + ":attempt-1")).isInstanceOf(JobException.class);
    }

    @Test
    void aFreezeWithoutRunsOrWithAMalformedClaimIdIsRefused() {
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.ONE, 1, List.of())).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.ONE, 1, List.of(List.of()))).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.ONE, 1, List.of(List.of("0x12")))).isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.ZERO, 1, List.of(List.of("0x" + "a1".repeat(32)))))
                .isInstanceOf(JobException.class);
        assertThatThrownBy(() -> FreezeHandler.job(BigInteger.ONE, 256, List.of(List.of("0x" + "a1".repeat(32)))))
                .isInstanceOf(JobException.class);
    }

    private static byte[] bytes(String id) {
        return HexFormat.of().parseHex(id.substring(2));
    }
}
