// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAnchorRegistry} from "./IAnchorRegistry.sol";
import {IClaimVerifier} from "./verifier/IClaimVerifier.sol";

/// @title AnchorRegistry
/// @notice What every member of the consortium believes about the gateway's data: registered devices
/// (protocol §7.4 device field → hash of the device's key), anchored commitment batches (depth-16
/// Poseidon roots of every stored reading, protocol §7.5) and anchored claims (protocol §7.6), each
/// checked by its circuit's verifier before anything is stored. A claim is identified by
/// keccak256(abi.encode(circuit, inputs)) — never by an oracle-chosen id or by the proof bytes, which a
/// Groth16 prover can re-randomise — so the same claim is accepted once.
contract AnchorRegistry is AccessControl, IAnchorRegistry {
    using SafeCast for uint256;

    /// @notice May register devices and anchor batches and claims (the gateway's oracle accounts).
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");

    /// @notice Circuit id of the run (excursion) claim of claims v2: 9 public inputs
    /// root, device, quantity, lo, hi, firstTime, lastTime, count, maxGap.
    bytes32 public constant RUN_CLAIM = keccak256("sensorproof.run-claim.v2");
    /// @notice Circuit id of the emissions claim of claims v2: 9 public inputs
    /// root, device, firstTime, firstTotal, lastTime, lastTotal, count, maxGap, gapTime.
    bytes32 public constant EMISSIONS_CLAIM = keccak256("sensorproof.emissions-claim.v2");

    /// @notice Public inputs of both claim circuits.
    uint256 public constant CLAIM_INPUTS = 9;
    /// @notice Leaves of a commitment batch (depth-16 tree).
    uint256 public constant MAX_BATCH_READINGS = 65536;
    /// @dev BN254 scalar field order: roots and public inputs are field elements.
    uint256 private constant SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Exclusive bound of device fields (31 ASCII bytes, protocol §7.4) and of times (2^43 ms).
    uint256 private constant DEVICE_BOUND = 1 << 248;
    uint256 private constant TIME_BOUND = 1 << 43;

    struct Device {
        bytes32 keyHash;
        uint64 registeredAt;
        bool retired;
    }

    struct Batch {
        uint256 root;
        uint32 readingCount;
        uint64 firstTime;
        uint64 lastTime;
        uint64 anchoredAt;
        uint64 blockNumber;
    }

    mapping(bytes32 circuit => IClaimVerifier) private _verifiers;
    mapping(uint256 device => Device) private _devices;
    mapping(uint64 batchId => Batch) private _batches;
    mapping(uint256 root => uint64 batchIdPlusOne) private _batchOfRoot;
    mapping(bytes32 claimId => bytes32 circuit) private _claimCircuit;
    mapping(bytes32 claimId => RunClaim) private _runClaims;
    mapping(bytes32 claimId => EmissionsClaim) private _emissionsClaims;

    event VerifierSet(bytes32 indexed circuit, address previous, address verifier, address indexed by);
    event DeviceRegistered(uint256 indexed device, bytes32 keyHash, address indexed by);
    event DeviceKeyRotated(uint256 indexed device, bytes32 previousKeyHash, bytes32 keyHash, address indexed by);
    event DeviceRetired(uint256 indexed device, address indexed by);
    /// @notice A commitment batch: `readingCount` stored readings with device times in
    /// [firstTime, lastTime] (ms) under the depth-16 Poseidon root `root` (protocol §7.5).
    event BatchAnchored(uint64 indexed batchId, uint256 root, uint32 readingCount, uint64 firstTime, uint64 lastTime,
        address indexed oracle);
    /// @notice A verified claim with everything an auditor needs to re-check it offline: the circuit,
    /// its public inputs in circuit order and the proof (proof.json order) the verifier accepted.
    event ClaimAnchored(bytes32 indexed claimId, bytes32 indexed circuit, uint256 indexed device, uint256[9] inputs,
        uint256[8] proof, address verifier, address oracle);

    error UnknownCircuit(bytes32 circuit);
    error VerifierInputCountMismatch(bytes32 circuit, uint256 expected, uint256 actual);
    error VerifierNotSet(bytes32 circuit);
    error DeviceFieldOutOfRange(uint256 device);
    error ZeroKeyHash(uint256 device);
    error DeviceAlreadyRegistered(uint256 device);
    error DeviceNotRegistered(uint256 device);
    error DeviceIsRetired(uint256 device);
    error BatchAlreadyAnchored(uint64 batchId);
    error RootAlreadyAnchored(uint256 root, uint64 batchId);
    error RootOutOfField(uint256 root);
    error BadReadingCount(uint256 readingCount);
    error BadTimeWindow(uint64 firstTime, uint64 lastTime);
    error BatchNotAnchored(uint64 batchId);
    error ClaimAlreadyAnchored(bytes32 claimId);
    error ClaimNotAnchored(bytes32 claimId);
    error ProofRejected(bytes32 circuit, bytes32 claimId);

    /// @param admin holds DEFAULT_ADMIN_ROLE: grants roles and may replace a circuit's verifier
    /// @param runVerifier verifier of RUN_CLAIM (the excursion circuit)
    /// @param emissionsVerifier verifier of EMISSIONS_CLAIM (the emissions circuit)
    constructor(address admin, IClaimVerifier runVerifier, IClaimVerifier emissionsVerifier) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setVerifier(RUN_CLAIM, runVerifier);
        _setVerifier(EMISSIONS_CLAIM, emissionsVerifier);
    }

    // ---------------------------------------------------------------- verifiers

    /// @notice Replaces a circuit's verifier (e.g. by one built from a ceremony's key). Claims anchored
    /// before stay anchored; later claims must verify under the new one. Admin only.
    function setVerifier(bytes32 circuit, IClaimVerifier verifier) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVerifier(circuit, verifier);
    }

    /// @notice The verifier a circuit's claims are checked with.
    function verifierOf(bytes32 circuit) external view returns (IClaimVerifier) {
        return _verifiers[circuit];
    }

    function _setVerifier(bytes32 circuit, IClaimVerifier verifier) private {
        if (circuit != RUN_CLAIM && circuit != EMISSIONS_CLAIM) revert UnknownCircuit(circuit);
        uint256 count = verifier.inputCount();
        if (count != CLAIM_INPUTS) revert VerifierInputCountMismatch(circuit, CLAIM_INPUTS, count);
        address previous = address(_verifiers[circuit]);
        _verifiers[circuit] = verifier;
        emit VerifierSet(circuit, previous, address(verifier), msg.sender);
    }

    // ---------------------------------------------------------------- devices

    /// @notice Registers a device field once with the SHA-256 of its key's canonical SPKI DER (the
    /// protocol's kid is its first 16 bytes). A field is never registered again, not even after the
    /// device is retired, so it can never name another device. Oracle only.
    function registerDevice(uint256 device, bytes32 keyHash) external onlyRole(ORACLE_ROLE) {
        if (device == 0 || device >= DEVICE_BOUND) revert DeviceFieldOutOfRange(device);
        if (keyHash == bytes32(0)) revert ZeroKeyHash(device);
        if (_devices[device].registeredAt != 0) revert DeviceAlreadyRegistered(device);
        _devices[device] = Device(keyHash, uint64(block.timestamp), false);
        emit DeviceRegistered(device, keyHash, msg.sender);
    }

    /// @notice Records a device's renewed key (enrollment renewal, ADR 010). Oracle only; the device
    /// must be registered and not retired.
    function rotateDeviceKey(uint256 device, bytes32 keyHash) external onlyRole(ORACLE_ROLE) {
        Device storage d = _registered(device);
        if (d.retired) revert DeviceIsRetired(device);
        if (keyHash == bytes32(0)) revert ZeroKeyHash(device);
        bytes32 previous = d.keyHash;
        d.keyHash = keyHash;
        emit DeviceKeyRotated(device, previous, keyHash, msg.sender);
    }

    /// @notice Retires a device for good: its key cannot be rotated and its field never registered
    /// again. Claims over readings it made before stay anchorable. Oracle only.
    function retireDevice(uint256 device) external onlyRole(ORACLE_ROLE) {
        Device storage d = _registered(device);
        if (d.retired) revert DeviceIsRetired(device);
        d.retired = true;
        emit DeviceRetired(device, msg.sender);
    }

    /// @notice A device's current key hash, registration time (s) and whether it is retired.
    function deviceRecord(uint256 field) external view returns (Device memory) {
        return _devices[field];
    }

    /// @inheritdoc IAnchorRegistry
    function isDeviceRegistered(uint256 field) external view returns (bool) {
        return _devices[field].registeredAt != 0;
    }

    function _registered(uint256 field) private view returns (Device storage d) {
        d = _devices[field];
        if (d.registeredAt == 0) revert DeviceNotRegistered(field);
    }

    // ---------------------------------------------------------------- commitment batches

    /// @notice Anchors a commitment batch: its depth-16 Poseidon root over `readingCount` readings with
    /// device times in [firstTime, lastTime] (ms). Idempotent by batch id: a batch id (the gateway's
    /// batch sequence) and a root are anchored once. Oracle only.
    function anchorBatch(uint64 batchId, uint256 root, uint32 readingCount, uint64 firstTime, uint64 lastTime)
        external
        onlyRole(ORACLE_ROLE)
    {
        if (_batches[batchId].anchoredAt != 0) revert BatchAlreadyAnchored(batchId);
        if (root == 0 || root >= SCALAR_FIELD) revert RootOutOfField(root);
        uint64 existing = _batchOfRoot[root];
        if (existing != 0) revert RootAlreadyAnchored(root, existing - 1);
        if (readingCount == 0 || readingCount > MAX_BATCH_READINGS) revert BadReadingCount(readingCount);
        if (firstTime > lastTime || lastTime >= TIME_BOUND) revert BadTimeWindow(firstTime, lastTime);
        _batches[batchId] = Batch(root, readingCount, firstTime, lastTime, uint64(block.timestamp), uint64(block.number));
        _batchOfRoot[root] = batchId + 1;
        emit BatchAnchored(batchId, root, readingCount, firstTime, lastTime, msg.sender);
    }

    /// @notice An anchored batch; reverts BatchNotAnchored when there is none.
    function batch(uint64 batchId) external view returns (Batch memory b) {
        b = _batches[batchId];
        if (b.anchoredAt == 0) revert BatchNotAnchored(batchId);
    }

    /// @notice The batch id a root was anchored under (for an inclusion proof's root), if any.
    function batchOfRoot(uint256 root) external view returns (bool anchored, uint64 batchId) {
        uint64 plusOne = _batchOfRoot[root];
        return plusOne == 0 ? (false, 0) : (true, plusOne - 1);
    }

    // ---------------------------------------------------------------- claims

    /// @notice The id of a claim: keccak256(abi.encode(circuit, inputs)).
    function claimId(bytes32 circuit, uint256[9] calldata inputs) public pure returns (bytes32) {
        return keccak256(abi.encode(circuit, inputs));
    }

    /// @notice Anchors a run claim after RUN_CLAIM's verifier accepts `proof` for `inputs` (root,
    /// device, quantity, lo, hi, firstTime, lastTime, count, maxGap). The device must be registered;
    /// the same public inputs are accepted once, whatever the proof. Oracle only.
    function anchorRunClaim(uint256[9] calldata inputs, uint256[8] calldata proof)
        external
        onlyRole(ORACLE_ROLE)
        returns (bytes32 id)
    {
        id = _verifyNew(RUN_CLAIM, inputs, proof);
        _runClaims[id] = RunClaim({
            root: inputs[0],
            device: inputs[1],
            quantity: inputs[2].toUint8(),
            lo: inputs[3].toUint64(),
            hi: inputs[4].toUint64(),
            firstTime: inputs[5].toUint64(),
            lastTime: inputs[6].toUint64(),
            count: inputs[7].toUint32(),
            maxGap: inputs[8].toUint64(),
            anchoredAt: uint64(block.timestamp)
        });
    }

    /// @notice Anchors an emissions claim after EMISSIONS_CLAIM's verifier accepts `proof` for `inputs`
    /// (root, device, firstTime, firstTotal, lastTime, lastTotal, count, maxGap, gapTime). The device
    /// must be registered; the same public inputs are accepted once. Oracle only.
    function anchorEmissionsClaim(uint256[9] calldata inputs, uint256[8] calldata proof)
        external
        onlyRole(ORACLE_ROLE)
        returns (bytes32 id)
    {
        id = _verifyNew(EMISSIONS_CLAIM, inputs, proof);
        _emissionsClaims[id] = EmissionsClaim({
            root: inputs[0],
            device: inputs[1],
            firstTime: inputs[2].toUint64(),
            firstTotal: inputs[3].toUint64(),
            lastTime: inputs[4].toUint64(),
            lastTotal: inputs[5].toUint64(),
            count: inputs[6].toUint32(),
            maxGap: inputs[7].toUint64(),
            gapTime: inputs[8].toUint64(),
            anchoredAt: uint64(block.timestamp)
        });
    }

    /// @notice The circuit a claim was anchored under (zero if it was not).
    function claimCircuit(bytes32 id) external view returns (bytes32) {
        return _claimCircuit[id];
    }

    /// @inheritdoc IAnchorRegistry
    function runClaim(bytes32 id) external view returns (RunClaim memory) {
        if (_claimCircuit[id] != RUN_CLAIM) revert ClaimNotAnchored(id);
        return _runClaims[id];
    }

    /// @inheritdoc IAnchorRegistry
    function emissionsClaim(bytes32 id) external view returns (EmissionsClaim memory) {
        if (_claimCircuit[id] != EMISSIONS_CLAIM) revert ClaimNotAnchored(id);
        return _emissionsClaims[id];
    }

    function _verifyNew(bytes32 circuit, uint256[9] calldata inputs, uint256[8] calldata proof)
        private
        returns (bytes32 id)
    {
        id = claimId(circuit, inputs);
        if (_claimCircuit[id] != bytes32(0)) revert ClaimAlreadyAnchored(id);
        uint256 dev = inputs[1];
        if (_devices[dev].registeredAt == 0) revert DeviceNotRegistered(dev);
        IClaimVerifier verifier = _verifiers[circuit];
        if (address(verifier) == address(0)) revert VerifierNotSet(circuit);
        uint256[] memory dynamicInputs = new uint256[](CLAIM_INPUTS);
        for (uint256 i = 0; i < CLAIM_INPUTS; i++) {
            dynamicInputs[i] = inputs[i];
        }
        // A malformed proof (a point off the curve or outside G2's subgroup) makes the precompile fail
        // inside the verifier, which reverts without data; both that and a failed pairing check are
        // this claim's ProofRejected. Input and coordinate range errors come back the same way.
        try verifier.verifyClaim(dynamicInputs, proof) returns (bool ok) {
            if (!ok) revert ProofRejected(circuit, id);
        } catch {
            revert ProofRejected(circuit, id);
        }
        _claimCircuit[id] = circuit;
        emit ClaimAnchored(id, circuit, dev, inputs, proof, address(verifier), msg.sender);
    }
}
