package io.sensorproof.oracle.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.TransactionSigner;
import io.sensorproof.oracle.jobs.kinds.ClaimProver;
import io.sensorproof.oracle.jobs.kinds.ClosePeriodHandler;
import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.MintHandler;
import io.sensorproof.oracle.jobs.kinds.SubmitClaimHandler;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.claims.ProofRequest;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray8;
import org.web3j.abi.datatypes.generated.StaticArray9;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The CarbonCredit job kinds (emissions claim, submit, close, mint) through the real {@link JobRunner}
 * with {@link FakeChain} and the in-memory store: the proof is the committed emissions fixture
 * (zk-circuits), so self-verification is the real Java verifier.
 */
class CarbonJobKindsTest {
    private static final String REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    private static final String CARBON = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    private static final Credentials KEY = Credentials.create("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final FakeChain chain = new FakeChain();
    private final List<ProofRequest> proved = new ArrayList<>();

    private static String fixture(String circuit) throws Exception {
        return Files.readString(ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/" + circuit + "/proof.json"));
    }

    private static ProofRequest request(String proofJson) throws Exception {
        List<BigInteger> inputs = ZkProofFile.parse(JSON.readTree(proofJson)).inputs();
        JsonNode arguments = JSON.createArrayNode().add("the circuit's arguments");
        return new ProofRequest("emissions", arguments, inputs);
    }

    private JobRunner runner(ClaimProver prover) {
        JobRunnerSettings settings = new JobRunnerSettings("r1", 1, Duration.ofSeconds(30), Duration.ofMillis(100), 1,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), RandomGenerator.getDefault()), 3, Duration.ofMinutes(1));
        ClaimProver recording = request -> {
            proved.add(request);
            return prover.prove(request);
        };
        return new JobRunner(store, chain, new TransactionSigner(KEY, 31337),
                List.of(new EmissionsClaimHandler(REGISTRY, recording), new SubmitClaimHandler(CARBON),
                        new ClosePeriodHandler(CARBON), new MintHandler(CARBON)),
                settings, clock, JobEvents.NONE);
    }

    private Job runToEnd(JobRunner runner, NewJob newJob) {
        long id = store.enqueue(newJob, clock.instant()).job().id();
        for (int i = 0; i < 5 && !store.find(id).orElseThrow().state().terminal(); i++) {
            runner.runOnce();
        }
        return store.find(id).orElseThrow();
    }

    @Test
    void emissionsClaimIsProvedSelfVerifiedAndAnchoredWithItsInputsAndProofWords() throws Exception {
        String proof = fixture("emissions");
        ProofRequest request = request(proof);
        NewJob newJob = EmissionsClaimHandler.job(request);
        String claimId = ClaimIds.of("emissions", request.publicInputs());
        assertThat(newJob.idempotencyKey()).isEqualTo("emissions-claim:" + claimId);

        Job job = runToEnd(runner(r -> proof), newJob);

        assertThat(job.state()).isEqualTo(JobState.CONFIRMED);
        assertThat(EmissionsClaimHandler.anchored(job)).isTrue();
        assertThat(proved).containsExactly(request);
        ZkProofFile file = ZkProofFile.parse(JSON.readTree(proof));
        String expected = FunctionEncoder.encode(new Function("anchorEmissionsClaim", List.of(
                new StaticArray9<>(Uint256.class, file.inputs().stream().map(Uint256::new).toList()),
                new StaticArray8<>(Uint256.class, file.proof().stream().map(Uint256::new).toList())), List.of()));
        assertThat(chain.broadcasts).hasSize(1);
        assertThat(new EmissionsClaimHandler(REGISTRY, r -> proof).call(job))
                .isEqualTo(ContractCall.of(REGISTRY, expected));
        assertThat(JSON.readTree(job.result().orElseThrow()).path("claimId").asText()).isEqualTo(claimId);
    }

    @Test
    void aProofTheJavaVerifierRefusesIsNeverSent() throws Exception {
        String emissions = fixture("emissions");
        String excursion = fixture("excursion");

        Job job = runToEnd(runner(r -> excursion), EmissionsClaimHandler.job(request(emissions)));

        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.failure().orElseThrow().code()).isEqualTo("SELF_VERIFY_FAILED");
        assertThat(EmissionsClaimHandler.anchored(job)).isFalse();
        assertThat(chain.broadcasts).isEmpty();
    }

    @Test
    void aClaimTheRegistryAlreadyHoldsCountsAsAnchoredWithoutATransaction() throws Exception {
        String proof = fixture("emissions");
        String claimId = ClaimIds.of("emissions", request(proof).publicInputs());
        chain.revertAtEstimate = new ChainRevert("ClaimAlreadyAnchored", "ClaimAlreadyAnchored(bytes32)",
                List.of(claimId), "0x");

        Job job = runToEnd(runner(r -> proof), EmissionsClaimHandler.job(request(proof)));

        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.failure().orElseThrow().code()).isEqualTo(EmissionsClaimHandler.ALREADY_ANCHORED);
        assertThat(EmissionsClaimHandler.anchored(job)).isTrue();
        assertThat(chain.broadcasts).isEmpty();
    }

    @Test
    void anyOtherRevertOfTheAnchorIsAFailureWithTheContractsReason() throws Exception {
        String proof = fixture("emissions");
        chain.revertAtEstimate = new ChainRevert("DeviceNotRegistered", "DeviceNotRegistered(uint256)",
                List.of(BigInteger.ONE), "0x");

        Job job = runToEnd(runner(r -> proof), EmissionsClaimHandler.job(request(proof)));

        assertThat(job.failure().orElseThrow().code()).isEqualTo("REVERTED:DeviceNotRegistered");
        assertThat(EmissionsClaimHandler.anchored(job)).isFalse();
    }

    @Test
    void aPayloadWhoseClaimIdIsNotItsInputsIdIsRefused() throws Exception {
        String proof = fixture("emissions");
        NewJob honest = EmissionsClaimHandler.job(request(proof));
        ObjectNode payload = (ObjectNode) JSON.readTree(honest.payload());
        payload.put("claimId", "0x" + "ab".repeat(32));

        Job job = runToEnd(runner(r -> proof), new NewJob(honest.kind(), honest.idempotencyKey(), payload.toString()));

        assertThat(job.failure().orElseThrow().code()).isEqualTo("INVALID_JOB");
        assertThat(proved).isEmpty();
    }

    @Test
    void submitCloseAndMintSendTheContractsCallsOncePerKey() {
        String claimId = "0x" + "0f".repeat(32);
        JobRunner runner = runner(r -> {
            throw new AssertionError("no proof for these kinds");
        });

        Job submit = runToEnd(runner, SubmitClaimHandler.job(3, 2, claimId.toUpperCase().replace("0X", "0x")));
        Job close = runToEnd(runner, ClosePeriodHandler.job(3, 2));
        Job mint = runToEnd(runner, MintHandler.job(3, 2));

        assertThat(List.of(submit, close, mint)).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.CONFIRMED));
        assertThat(new SubmitClaimHandler(CARBON).call(submit).data()).isEqualTo(FunctionEncoder.encode(new Function(
                "submitClaim", List.of(new Uint256(3), new Uint256(2), new Bytes32(Numeric.hexStringToByteArray(claimId))),
                List.of())));
        assertThat(new ClosePeriodHandler(CARBON).call(close).data()).isEqualTo(FunctionEncoder.encode(new Function(
                "closePeriod", List.of(new Uint256(3), new Uint256(2)), List.of())));
        assertThat(new MintHandler(CARBON).call(mint).data()).isEqualTo(FunctionEncoder.encode(new Function(
                "mint", List.of(new Uint256(3), new Uint256(2)), List.of())));
        assertThat(ClosePeriodHandler.done(close)).isTrue();
        assertThat(MintHandler.done(mint)).isTrue();

        assertThat(store.enqueue(ClosePeriodHandler.job(3, 2), clock.instant()).created()).isFalse();
        assertThat(store.enqueue(MintHandler.job(3, 2), clock.instant()).created()).isFalse();
        assertThat(store.enqueue(SubmitClaimHandler.job(3, 2, claimId), clock.instant()).created()).isFalse();
        while (runner.runOnce()) {
            // drain: nothing is due
        }
        assertThat(chain.broadcasts).hasSize(3);
    }

    @Test
    void aSecondCloseOrMintRefusedByTheContractMeansItIsDoneButOtherRevertsDoNot() {
        JobRunner runner = runner(r -> {
            throw new AssertionError("no proof");
        });
        chain.revertAtEstimate = new ChainRevert("PeriodAlreadyClosed", "PeriodAlreadyClosed(uint256,uint256)",
                List.of(BigInteger.ONE, BigInteger.ONE), "0x");
        Job close = runToEnd(runner, ClosePeriodHandler.job(1, 1));
        chain.revertAtEstimate = new ChainRevert("ChallengeWindowOpen", "ChallengeWindowOpen(uint256,uint256,uint256)",
                List.of(BigInteger.ONE, BigInteger.ONE, BigInteger.TEN), "0x");
        Job mint = runToEnd(runner, MintHandler.job(1, 1));

        assertThat(ClosePeriodHandler.done(close)).isTrue();
        assertThat(mint.failure().orElseThrow().code()).isEqualTo("REVERTED:ChallengeWindowOpen");
        assertThat(MintHandler.done(mint)).isFalse();
        assertThat(chain.broadcasts).isEmpty();
    }

    @Test
    void badIdsAreRefusedWhenTheJobIsMade() {
        assertThatThrownBy(() -> SubmitClaimHandler.job(0, 1, "0x" + "00".repeat(32)))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.INVALID_JOB));
        assertThatThrownBy(() -> SubmitClaimHandler.job(1, 1, "0x1234"))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.INVALID_JOB));
        assertThatThrownBy(() -> MintHandler.job(1, 0))
                .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.code()).isEqualTo(JobException.Code.INVALID_JOB));
    }
}
