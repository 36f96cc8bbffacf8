package io.sensorproof.oracle.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.oracle.chain.ChainRevert;
import io.sensorproof.oracle.testing.AnvilExtension;
import io.sensorproof.oracle.testing.ChainAssertions;
import io.sensorproof.oracle.testing.ZkProofFile;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.StaticArray9;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Every rule of {@code AnchorRegistry} against a real anvil: what it accepts, and that each forbidden
 * action reverts with its own custom error (devices, commitment batches, claims, verifier
 * replacement). Claims are zk-circuits' committed fixture proofs (real Groth16 proofs under the
 * development keys the deployed verifiers embed). The chain is reverted to a snapshot after each test.
 * Gas of registerDevice, anchorBatch, anchorRunClaim and anchorEmissionsClaim goes to
 * {@code oracle/target/gas/c1.json}.
 */
class AnchorRegistryIT {
    @RegisterExtension
    static final AnvilExtension ANVIL = new AnvilExtension();

    private static final BigInteger R = new BigInteger("21888242871839275222246405745257275088548364400416034343698204186575808495617");
    private static final BigInteger DEVICE_BOUND = BigInteger.ONE.shiftLeft(248);
    private static final BigInteger TIME_BOUND = BigInteger.ONE.shiftLeft(43);
    private static final byte[] KEY_1 = Hash.sha3("device key 1".getBytes(StandardCharsets.UTF_8));
    private static final byte[] KEY_2 = Hash.sha3("device key 2".getBytes(StandardCharsets.UTF_8));
    private static final byte[] ZERO_32 = new byte[32];
    private static final ZkProofFile RUN = RegistryProofs.fixture(RegistryProofs.EXCURSION);
    private static final ZkProofFile EMISSIONS = RegistryProofs.fixture(RegistryProofs.EMISSIONS);
    private static final BigInteger RUN_DEVICE = RUN.inputs().get(1);
    private static final BigInteger EMISSIONS_DEVICE = EMISSIONS.inputs().get(1);
    private static final Map<String, BigInteger> GAS = new TreeMap<>();

    private static Credentials admin;
    private static Credentials oracle;
    private static Credentials stranger;
    private static AnchorRegistry asAdmin;
    private static AnchorRegistry asOracle;
    private static AnchorRegistry asStranger;
    private static String registry;
    private static ExcursionClaimVerifier runVerifier;
    private static EmissionsClaimVerifier emissionsVerifier;
    private static byte[] runCircuit;
    private static byte[] emissionsCircuit;
    private String snapshot;

    @BeforeAll
    static void deploy() throws Exception {
        admin = ANVIL.account(0);
        oracle = ANVIL.account(1);
        stranger = ANVIL.account(2);
        runVerifier = ExcursionClaimVerifier.deploy(ANVIL.web3j(), txManager(admin), ChainAssertions.GAS).send();
        emissionsVerifier = EmissionsClaimVerifier.deploy(ANVIL.web3j(), txManager(admin), ChainAssertions.GAS).send();
        asAdmin = AnchorRegistry.deploy(ANVIL.web3j(), txManager(admin), ChainAssertions.GAS,
                admin.getAddress(), runVerifier.getContractAddress(), emissionsVerifier.getContractAddress()).send();
        registry = asAdmin.getContractAddress();
        ChainAssertions.sendOk(asAdmin.grantRole(asAdmin.ORACLE_ROLE().send(), oracle.getAddress()));
        asOracle = load(oracle);
        asStranger = load(stranger);
        runCircuit = asAdmin.RUN_CLAIM().send();
        emissionsCircuit = asAdmin.EMISSIONS_CLAIM().send();
        assertThat(runCircuit).isEqualTo(Hash.sha3("sensorproof.run-claim.v2".getBytes(StandardCharsets.UTF_8)));
        assertThat(emissionsCircuit).isEqualTo(Hash.sha3("sensorproof.emissions-claim.v2".getBytes(StandardCharsets.UTF_8)));
    }

    private static TransactionManager txManager(Credentials who) {
        return RegistryProofs.txManager(ANVIL, who);
    }

    private static AnchorRegistry load(Credentials who) {
        return AnchorRegistry.load(registry, ANVIL.web3j(), txManager(who), ChainAssertions.GAS);
    }

    @BeforeEach
    void takeSnapshot() {
        snapshot = ANVIL.snapshot();
    }

    @AfterEach
    void restoreSnapshot() {
        ANVIL.revertTo(snapshot);
    }

    @AfterAll
    static void writeGas() throws IOException {
        Path out = ZkProofFile.repoFile("oracle/target/gas/c1.json");
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), GAS);
    }

    private static TransactionReceipt measured(String op, RemoteFunctionCall<TransactionReceipt> call) {
        TransactionReceipt receipt = ChainAssertions.sendOk(call);
        GAS.put(op, receipt.getGasUsed());
        return receipt;
    }

    private static ChainRevert reverts(Credentials from, RemoteFunctionCall<?> call, String error) {
        return ChainAssertions.assertReverts(ANVIL, from, registry, call, error);
    }

    // ------------------------------------------------------------------ devices

    @Test
    void registersADeviceOnceAndRefusesTheSameFieldAgain() throws Exception {
        TransactionReceipt receipt = measured("registerDevice", asOracle.registerDevice(RUN_DEVICE, KEY_1));
        var event = AnchorRegistry.getDeviceRegisteredEvents(receipt).get(0);
        assertThat(event.device).isEqualTo(RUN_DEVICE);
        assertThat(event.keyHash).isEqualTo(KEY_1);
        assertThat(event.by).isEqualToIgnoringCase(oracle.getAddress());
        assertThat(asOracle.isDeviceRegistered(RUN_DEVICE).send()).isTrue();
        assertThat(asOracle.deviceRecord(RUN_DEVICE).send().keyHash).isEqualTo(KEY_1);
        assertThat(asOracle.isDeviceRegistered(EMISSIONS_DEVICE).send()).isFalse();

        ChainRevert again = reverts(oracle, asOracle.registerDevice(RUN_DEVICE, KEY_2), "DeviceAlreadyRegistered");
        assertThat(again.arguments()).containsExactly(RUN_DEVICE);
        assertThat(asOracle.deviceRecord(RUN_DEVICE).send().keyHash).isEqualTo(KEY_1);
    }

    @Test
    void aRetiredDevicesFieldIsNeverRegisteredAgainNorRotated() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        TransactionReceipt retired = ChainAssertions.sendOk(asOracle.retireDevice(RUN_DEVICE));
        assertThat(AnchorRegistry.getDeviceRetiredEvents(retired).get(0).device).isEqualTo(RUN_DEVICE);
        assertThat(asOracle.deviceRecord(RUN_DEVICE).send().retired).isTrue();
        assertThat(asOracle.isDeviceRegistered(RUN_DEVICE).send()).isTrue();

        reverts(oracle, asOracle.registerDevice(RUN_DEVICE, KEY_2), "DeviceAlreadyRegistered");
        reverts(oracle, asOracle.rotateDeviceKey(RUN_DEVICE, KEY_2), "DeviceIsRetired");
        reverts(oracle, asOracle.retireDevice(RUN_DEVICE), "DeviceIsRetired");
        reverts(oracle, asOracle.retireDevice(EMISSIONS_DEVICE), "DeviceNotRegistered");
        // claims over readings it made before retirement stay anchorable
        ChainAssertions.sendOk(asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()));
    }

    @Test
    void refusesDeviceFieldZeroAndFieldsFrom2To248() throws Exception {
        assertThat(reverts(oracle, asOracle.registerDevice(BigInteger.ZERO, KEY_1), "DeviceFieldOutOfRange").arguments())
                .containsExactly(BigInteger.ZERO);
        assertThat(reverts(oracle, asOracle.registerDevice(DEVICE_BOUND, KEY_1), "DeviceFieldOutOfRange").arguments())
                .containsExactly(DEVICE_BOUND);
        reverts(oracle, asOracle.registerDevice(R, KEY_1), "DeviceFieldOutOfRange");
        // the largest field (31 bytes of 0xff) and the smallest are accepted
        ChainAssertions.sendOk(asOracle.registerDevice(DEVICE_BOUND.subtract(BigInteger.ONE), KEY_1));
        ChainAssertions.sendOk(asOracle.registerDevice(BigInteger.ONE, KEY_1));
    }

    @Test
    void refusesAZeroKeyHashAtRegistrationAndRotation() throws Exception {
        assertThat(reverts(oracle, asOracle.registerDevice(RUN_DEVICE, ZERO_32), "ZeroKeyHash").arguments())
                .containsExactly(RUN_DEVICE);
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        reverts(oracle, asOracle.rotateDeviceKey(RUN_DEVICE, ZERO_32), "ZeroKeyHash");
    }

    @Test
    void rotatesADeviceKeyByOracleOnly() throws Exception {
        reverts(oracle, asOracle.rotateDeviceKey(RUN_DEVICE, KEY_2), "DeviceNotRegistered");
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        reverts(admin, asAdmin.rotateDeviceKey(RUN_DEVICE, KEY_2), "AccessControlUnauthorizedAccount");
        reverts(stranger, asStranger.rotateDeviceKey(RUN_DEVICE, KEY_2), "AccessControlUnauthorizedAccount");

        TransactionReceipt receipt = ChainAssertions.sendOk(asOracle.rotateDeviceKey(RUN_DEVICE, KEY_2));
        var event = AnchorRegistry.getDeviceKeyRotatedEvents(receipt).get(0);
        assertThat(event.previousKeyHash).isEqualTo(KEY_1);
        assertThat(event.keyHash).isEqualTo(KEY_2);
        assertThat(asOracle.deviceRecord(RUN_DEVICE).send().keyHash).isEqualTo(KEY_2);
    }

    @Test
    void onlyAnOracleRegistersOrRetiresDevices() throws Exception {
        ChainRevert byAdmin = reverts(admin, asAdmin.registerDevice(RUN_DEVICE, KEY_1), "AccessControlUnauthorizedAccount");
        assertThat(byAdmin.arguments()).hasSize(2);
        assertThat((String) byAdmin.arguments().get(0)).isEqualToIgnoringCase(admin.getAddress());
        assertThat((byte[]) byAdmin.arguments().get(1)).isEqualTo(asAdmin.ORACLE_ROLE().send());
        reverts(stranger, asStranger.registerDevice(RUN_DEVICE, KEY_1), "AccessControlUnauthorizedAccount");
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        reverts(stranger, asStranger.retireDevice(RUN_DEVICE), "AccessControlUnauthorizedAccount");
    }

    // ------------------------------------------------------------------ commitment batches

    @Test
    void anchorsABatchOnceByIdAndItsRootOnce() throws Exception {
        BigInteger root = RUN.inputs().get(0);
        TransactionReceipt receipt = measured("anchorBatch", asOracle.anchorBatch(BigInteger.valueOf(7), root,
                BigInteger.valueOf(4096), BigInteger.valueOf(1_767_225_600_000L), BigInteger.valueOf(1_767_229_200_000L)));
        var event = AnchorRegistry.getBatchAnchoredEvents(receipt).get(0);
        assertThat(event.batchId).isEqualTo(BigInteger.valueOf(7));
        assertThat(event.root).isEqualTo(root);
        assertThat(event.readingCount).isEqualTo(BigInteger.valueOf(4096));
        assertThat(event.firstTime).isEqualTo(BigInteger.valueOf(1_767_225_600_000L));
        assertThat(event.lastTime).isEqualTo(BigInteger.valueOf(1_767_229_200_000L));
        assertThat(event.oracle).isEqualToIgnoringCase(oracle.getAddress());
        var stored = asOracle.batch(BigInteger.valueOf(7)).send();
        assertThat(stored.root).isEqualTo(root);
        assertThat(stored.readingCount).isEqualTo(BigInteger.valueOf(4096));
        assertThat(stored.blockNumber).isEqualTo(receipt.getBlockNumber());
        var ofRoot = asOracle.batchOfRoot(root).send();
        assertThat(ofRoot.component1()).isTrue();
        assertThat(ofRoot.component2()).isEqualTo(BigInteger.valueOf(7));

        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.valueOf(7), root.add(BigInteger.ONE), BigInteger.ONE,
                BigInteger.ONE, BigInteger.TWO), "BatchAlreadyAnchored").arguments()).containsExactly(BigInteger.valueOf(7));
        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.valueOf(8), root, BigInteger.ONE,
                BigInteger.ONE, BigInteger.TWO), "RootAlreadyAnchored").arguments()).containsExactly(root, BigInteger.valueOf(7));
        reverts(oracle, asOracle.batch(BigInteger.valueOf(8)), "BatchNotAnchored");
        assertThat(asOracle.batchOfRoot(root.add(BigInteger.ONE)).send().component1()).isFalse();
        // batch id 0 is a real id (the registry keeps id + 1 internally)
        ChainAssertions.sendOk(asOracle.anchorBatch(BigInteger.ZERO, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, BigInteger.ONE));
        assertThat(asOracle.batchOfRoot(BigInteger.TEN).send().component2()).isZero();
        reverts(oracle, asOracle.anchorBatch(BigInteger.ZERO, BigInteger.valueOf(11), BigInteger.ONE, BigInteger.ONE, BigInteger.ONE),
                "BatchAlreadyAnchored");
    }

    @Test
    void refusesAReadingCountOfZeroOrAboveTheTreesLeaves() throws Exception {
        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ZERO, BigInteger.ONE,
                BigInteger.TWO), "BadReadingCount").arguments()).containsExactly(BigInteger.ZERO);
        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.valueOf(65_537), BigInteger.ONE,
                BigInteger.TWO), "BadReadingCount").arguments()).containsExactly(BigInteger.valueOf(65_537));
        ChainAssertions.sendOk(asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.valueOf(65_536), BigInteger.ONE, BigInteger.TWO));
    }

    @Test
    void refusesARootOutsideTheScalarField() throws Exception {
        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, R, BigInteger.ONE, BigInteger.ONE, BigInteger.TWO),
                "RootOutOfField").arguments()).containsExactly(R);
        reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.TWO),
                "RootOutOfField");
        ChainAssertions.sendOk(asOracle.anchorBatch(BigInteger.ONE, R.subtract(BigInteger.ONE), BigInteger.ONE, BigInteger.ONE, BigInteger.TWO));
    }

    @Test
    void refusesAReversedOrOutOfRangeTimeWindow() throws Exception {
        assertThat(reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ONE, BigInteger.valueOf(2_000),
                BigInteger.valueOf(1_999)), "BadTimeWindow").arguments()).containsExactly(BigInteger.valueOf(2_000), BigInteger.valueOf(1_999));
        reverts(oracle, asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, TIME_BOUND), "BadTimeWindow");
        // one reading: first = last
        ChainAssertions.sendOk(asOracle.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ONE, BigInteger.valueOf(2_000),
                BigInteger.valueOf(2_000)));
    }

    @Test
    void onlyAnOracleAnchorsBatches() throws Exception {
        reverts(admin, asAdmin.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, BigInteger.TWO),
                "AccessControlUnauthorizedAccount");
        reverts(stranger, asStranger.anchorBatch(BigInteger.ONE, BigInteger.TEN, BigInteger.ONE, BigInteger.ONE, BigInteger.TWO),
                "AccessControlUnauthorizedAccount");
    }

    // ------------------------------------------------------------------ claims

    @Test
    void anchorsAValidRunClaimWhoseEventCarriesItsInputsAndProof() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        TransactionReceipt receipt = measured("anchorRunClaim", asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()));

        byte[] id = expectedClaimId(runCircuit, RUN.inputs());
        assertThat(asOracle.claimId(runCircuit, RUN.inputs()).send()).isEqualTo(id);
        List<AnchorRegistry.ClaimAnchoredEventResponse> events = AnchorRegistry.getClaimAnchoredEvents(receipt);
        assertThat(events).hasSize(1);
        var event = events.get(0);
        assertThat(event.claimId).isEqualTo(id);
        assertThat(event.circuit).isEqualTo(runCircuit);
        assertThat(event.device).isEqualTo(RUN_DEVICE);
        assertThat(event.inputs).isEqualTo(RUN.inputs());
        assertThat(event.proof).isEqualTo(RUN.proof());
        assertThat(event.verifier).isEqualToIgnoringCase(runVerifier.getContractAddress());
        assertThat(event.oracle).isEqualToIgnoringCase(oracle.getAddress());

        var stored = asOracle.runClaim(id).send();
        List<BigInteger> in = RUN.inputs();
        assertThat(List.of(stored.root, stored.device, stored.quantity, stored.lo, stored.hi, stored.firstTime, stored.lastTime,
                stored.count, stored.maxGap)).isEqualTo(in);
        assertThat(stored.anchoredAt).isEqualTo(ANVIL.web3j().ethGetBlockByNumber(
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false).send().getBlock().getTimestamp());
        assertThat(asOracle.claimCircuit(id).send()).isEqualTo(runCircuit);
        // the id names a run claim: asked for as an emissions claim it is not anchored
        assertThat(reverts(oracle, asOracle.emissionsClaim(id), "ClaimNotAnchored").arguments().get(0)).isEqualTo(id);
    }

    @Test
    void anchorsAValidEmissionsClaim() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        TransactionReceipt receipt = measured("anchorEmissionsClaim", asOracle.anchorEmissionsClaim(EMISSIONS.inputs(), EMISSIONS.proof()));

        byte[] id = expectedClaimId(emissionsCircuit, EMISSIONS.inputs());
        var event = AnchorRegistry.getClaimAnchoredEvents(receipt).get(0);
        assertThat(event.claimId).isEqualTo(id);
        assertThat(event.circuit).isEqualTo(emissionsCircuit);
        assertThat(event.inputs).isEqualTo(EMISSIONS.inputs());
        assertThat(event.proof).isEqualTo(EMISSIONS.proof());
        var stored = asOracle.emissionsClaim(id).send();
        assertThat(List.of(stored.root, stored.device, stored.firstTime, stored.firstTotal, stored.lastTime, stored.lastTotal,
                stored.count, stored.maxGap, stored.gapTime)).isEqualTo(EMISSIONS.inputs());
        reverts(oracle, asOracle.runClaim(id), "ClaimNotAnchored");
        reverts(oracle, asOracle.runClaim(new byte[32]), "ClaimNotAnchored");
    }

    @Test
    void aClaimResubmittedWithAReRandomisedProofIsAlreadyAnchored() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        for (String circuit : List.of(RegistryProofs.EXCURSION, RegistryProofs.EMISSIONS)) {
            boolean run = circuit.equals(RegistryProofs.EXCURSION);
            ZkProofFile original = run ? RUN : EMISSIONS;
            VerificationKey key = RegistryProofs.verificationKey(circuit);
            ZkProofFile other = RegistryProofs.rerandomise(original, key, RegistryProofs.randomScalar());
            assertThat(other.inputs()).isEqualTo(original.inputs());
            assertThat(other.proof()).isNotEqualTo(original.proof());
            // a genuinely valid second proof: the Java verifier and, before the original is anchored, the chain accept it
            assertThat(new Groth16Verifier(key).verify(RegistryProofs.toGroth16(other))).as(circuit).isTrue();
            RemoteFunctionCall<TransactionReceipt> submitOther = run
                    ? asOracle.anchorRunClaim(other.inputs(), other.proof())
                    : asOracle.anchorEmissionsClaim(other.inputs(), other.proof());
            assertThat(ChainAssertions.revertOf(ANVIL, oracle.getAddress(), registry, submitOther.encodeFunctionCall()))
                    .as("%s re-randomised proof before the original", circuit).isNull();

            ChainAssertions.sendOk(run ? asOracle.anchorRunClaim(original.inputs(), original.proof())
                    : asOracle.anchorEmissionsClaim(original.inputs(), original.proof()));
            ChainRevert revert = reverts(oracle, submitOther, "ClaimAlreadyAnchored");
            assertThat((byte[]) revert.arguments().get(0)).isEqualTo(expectedClaimId(run ? runCircuit : emissionsCircuit, original.inputs()));
        }
    }

    @Test
    void anInvalidProofIsRejected() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        // C replaced by C + A: still a curve point, the pairing check fails
        ZkProofFile shifted = RegistryProofs.rerandomise(RUN, RegistryProofs.verificationKey(RegistryProofs.EXCURSION), BigInteger.ONE);
        List<BigInteger> badC = new ArrayList<>(RUN.proof());
        badC.set(6, shifted.proof().get(6));
        badC.set(7, shifted.proof().get(7));
        ChainRevert revert = reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), badC), "ProofRejected");
        assertThat((byte[]) revert.arguments().get(0)).isEqualTo(runCircuit);
        assertThat((byte[]) revert.arguments().get(1)).isEqualTo(expectedClaimId(runCircuit, RUN.inputs()));
        // a public input changed under the same proof (a later lastTime)
        List<BigInteger> later = new ArrayList<>(RUN.inputs());
        later.set(6, later.get(6).add(BigInteger.valueOf(60_000)));
        reverts(oracle, asOracle.anchorRunClaim(later, RUN.proof()), "ProofRejected");
        // A off the curve: the verifier's precompile fails; the registry still answers ProofRejected
        List<BigInteger> offCurve = new ArrayList<>(RUN.proof());
        offCurve.set(0, offCurve.get(0).add(BigInteger.ONE));
        reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), offCurve), "ProofRejected");
        // sent for real: the adapter checks A and C on the curve before the precompile, so an off-curve A
        // costs about a refused claim's gas instead of burning the 63/64 forwarded to the verifier
        TransactionReceipt refused = failedReceipt(asOracle.anchorRunClaim(RUN.inputs(), offCurve));
        GAS.put("anchorRunClaim.rejected.offCurveA", refused.getGasUsed());
        assertThat(refused.getGasUsed()).isLessThan(BigInteger.valueOf(200_000));
        // B off the twist is left to the pairing precompile, whose failure burns the forwarded gas
        List<BigInteger> offTwist = new ArrayList<>(RUN.proof());
        offTwist.set(2, offTwist.get(2).add(BigInteger.ONE));
        reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), offTwist), "ProofRejected");
        TransactionReceipt burnt = failedReceipt(asOracle.anchorRunClaim(RUN.inputs(), offTwist));
        GAS.put("anchorRunClaim.rejected.offTwistB.gasLimit12M", burnt.getGasUsed());
        assertThat(burnt.getGasUsed()).isGreaterThan(BigInteger.valueOf(12_000_000).multiply(BigInteger.valueOf(9))
                .divide(BigInteger.TEN));
        TransactionReceipt pairingFalse = failedReceipt(asOracle.anchorRunClaim(RUN.inputs(), badC));
        GAS.put("anchorRunClaim.rejected.pairingFalse", pairingFalse.getGasUsed());
        // a public input >= r (the adapter's InputOutOfField) is ProofRejected too
        List<BigInteger> outOfField = new ArrayList<>(RUN.inputs());
        outOfField.set(0, outOfField.get(0).add(R));
        reverts(oracle, asOracle.anchorRunClaim(outOfField, RUN.proof()), "ProofRejected");
        assertThat(asOracle.claimCircuit(expectedClaimId(runCircuit, RUN.inputs())).send()).isEqualTo(ZERO_32);
    }

    @Test
    void theOtherCircuitsProofIsRejected() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        ChainRevert asRun = reverts(oracle, asOracle.anchorRunClaim(EMISSIONS.inputs(), EMISSIONS.proof()), "ProofRejected");
        assertThat((byte[]) asRun.arguments().get(0)).isEqualTo(runCircuit);
        ChainRevert asEmissions = reverts(oracle, asOracle.anchorEmissionsClaim(RUN.inputs(), RUN.proof()), "ProofRejected");
        assertThat((byte[]) asEmissions.arguments().get(0)).isEqualTo(emissionsCircuit);
        // each is fine under its own circuit
        ChainAssertions.sendOk(asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()));
        ChainAssertions.sendOk(asOracle.anchorEmissionsClaim(EMISSIONS.inputs(), EMISSIONS.proof()));
    }

    @Test
    void aClaimOfAnUnregisteredDeviceIsRefused() throws Exception {
        assertThat(reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()), "DeviceNotRegistered").arguments())
                .containsExactly(RUN_DEVICE);
        assertThat(reverts(oracle, asOracle.anchorEmissionsClaim(EMISSIONS.inputs(), EMISSIONS.proof()), "DeviceNotRegistered")
                .arguments()).containsExactly(EMISSIONS_DEVICE);
        // registering another device does not help
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()), "DeviceNotRegistered");
    }

    @Test
    void onlyAnOracleAnchorsClaims() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        for (Credentials who : List.of(admin, stranger)) {
            AnchorRegistry as = who == admin ? asAdmin : asStranger;
            reverts(who, as.anchorRunClaim(RUN.inputs(), RUN.proof()), "AccessControlUnauthorizedAccount");
            reverts(who, as.anchorEmissionsClaim(EMISSIONS.inputs(), EMISSIONS.proof()), "AccessControlUnauthorizedAccount");
        }
    }

    // ------------------------------------------------------------------ verifiers

    @Test
    void onlyTheAdminReplacesAVerifierAndAfterwardsTheOldProofsNoLongerAnchor() throws Exception {
        ChainAssertions.sendOk(asOracle.registerDevice(RUN_DEVICE, KEY_1));
        ChainAssertions.sendOk(asOracle.registerDevice(EMISSIONS_DEVICE, KEY_1));
        // an emissions claim anchored before any replacement
        ChainAssertions.sendOk(asOracle.anchorEmissionsClaim(EMISSIONS.inputs(), EMISSIONS.proof()));
        byte[] emissionsId = expectedClaimId(emissionsCircuit, EMISSIONS.inputs());

        // another IClaimVerifier with nine inputs but another key: the emissions circuit's
        String other = EmissionsClaimVerifier.deploy(ANVIL.web3j(), txManager(admin), ChainAssertions.GAS)
                .send().getContractAddress();
        reverts(oracle, asOracle.setVerifier(runCircuit, other), "AccessControlUnauthorizedAccount");
        reverts(stranger, asStranger.setVerifier(runCircuit, other), "AccessControlUnauthorizedAccount");
        reverts(admin, asAdmin.setVerifier(new byte[32], other), "UnknownCircuit");

        TransactionReceipt set = ChainAssertions.sendOk(asAdmin.setVerifier(runCircuit, other));
        var event = AnchorRegistry.getVerifierSetEvents(set).get(0);
        assertThat(event.circuit).isEqualTo(runCircuit);
        assertThat(event.previous).isEqualToIgnoringCase(runVerifier.getContractAddress());
        assertThat(event.verifier).isEqualToIgnoringCase(other);
        assertThat(event.by).isEqualToIgnoringCase(admin.getAddress());
        assertThat(asOracle.verifierOf(runCircuit).send()).isEqualToIgnoringCase(other);

        // the excursion proof verified before the replacement (eth_call) and no longer does
        reverts(oracle, asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()), "ProofRejected");
        // replacing the emissions verifier leaves claims anchored before it readable
        ChainAssertions.sendOk(asAdmin.setVerifier(emissionsCircuit, runVerifier.getContractAddress()));
        assertThat(asOracle.emissionsClaim(emissionsId).send().lastTotal).isEqualTo(EMISSIONS.inputs().get(5));
        // and the run verifier put back accepts the excursion proof again
        ChainAssertions.sendOk(asAdmin.setVerifier(runCircuit, runVerifier.getContractAddress()));
        ChainAssertions.sendOk(asOracle.anchorRunClaim(RUN.inputs(), RUN.proof()));
    }

    @Test
    void aVerifierMustAnswerInputCountNine() throws Exception {
        // a hand-assembled contract that returns the word 1 to any call: inputCount() = 1
        String returnsOne = RegistryProofs.deployRaw(ANVIL, admin, "0x69" + "600160005260206000f3" + "600052600a6016f3");
        ChainRevert mismatch = reverts(admin, asAdmin.setVerifier(runCircuit, returnsOne), "VerifierInputCountMismatch");
        assertThat(mismatch.arguments()).containsExactly(runCircuit, BigInteger.valueOf(9), BigInteger.ONE);
        // an account without code cannot answer at all (the call reverts without data)
        ChainRevert noCode = ChainAssertions.revertOf(ANVIL, admin.getAddress(), registry,
                asAdmin.setVerifier(emissionsCircuit, stranger.getAddress()).encodeFunctionCall());
        assertThat(noCode).isNotNull();
        assertThat(noCode.data()).isEqualTo("0x");
        assertThat(asOracle.verifierOf(runCircuit).send()).isEqualToIgnoringCase(runVerifier.getContractAddress());
        assertThat(asOracle.verifierOf(emissionsCircuit).send()).isEqualToIgnoringCase(emissionsVerifier.getContractAddress());
    }

    /** Sends a transaction that must be mined and fail; returns its receipt. */
    private static TransactionReceipt failedReceipt(RemoteFunctionCall<TransactionReceipt> call) {
        try {
            TransactionReceipt receipt = call.send();
            throw new AssertionError("expected a failed transaction, got " + receipt);
        } catch (TransactionException e) {
            TransactionReceipt receipt = e.getTransactionReceipt().orElseThrow();
            assertThat(receipt.isStatusOK()).isFalse();
            return receipt;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** keccak256(abi.encode(bytes32 circuit, uint256[9] inputs)), computed here, not by the contract. */
    private static byte[] expectedClaimId(byte[] circuit, List<BigInteger> inputs) {
        List<Uint256> values = inputs.stream().map(Uint256::new).toList();
        String encoded = TypeEncoder.encode(new Bytes32(circuit)) + TypeEncoder.encode(new StaticArray9<>(Uint256.class, values));
        return Hash.sha3(Numeric.hexStringToByteArray(encoded));
    }
}
