// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAnchorRegistry} from "./IAnchorRegistry.sol";

/// @title CarbonCredit: ERC-1155 carbon credits minted once per facility and vintage period from
/// proven emissions.
/// @notice A verifier (never the facility's owner) fixes a period's terms before it starts: its devices,
/// baseline (kg CO2e), maxGap and substitute rate. Oracles submit the devices' anchored emissions claims
/// (AnchorRegistry) in order with exact continuity; after the period's end it is closed, which fixes its
/// emissions = sum of the register increases + the substitute rate times every uncovered time (gaps
/// inside claims longer than maxGap, edges, devices without claims), rounded up. A regulator may void
/// the period during the challenge window; after it, max(0, baseline - emissions) is minted once, in
/// whole units of UNIT_GRAMS (1 token = 1 kg CO2e), to the owner, as token id
/// (facilityId << 128) | periodId. Holders retire units: they are burnt and recorded for ever with
/// serial numbers 1..minted of their token id, assigned in retirement order.
/// @dev Times: period start/end and block time in Unix seconds; device times (claims) in milliseconds;
/// compared as seconds * 1000. Masses in grams (register totals), baseline in kg, rate in kg per hour.
contract CarbonCredit is ERC1155, AccessControl {
    using SafeCast for uint256;

    /// @notice Creates facilities and sets period terms (never for a facility it owns).
    bytes32 public constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");
    /// @notice Submits emissions claims and closes periods.
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    /// @notice Voids a closed period inside its challenge window.
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");
    /// @notice Grams CO2e per token unit: one token is 1 kg CO2e; remainders below a unit are not minted.
    uint256 public constant UNIT_GRAMS = 1000;
    /// @notice Most devices one period may list (bounds the gas of setPeriod and closePeriod).
    uint256 public constant MAX_DEVICES_PER_PERIOD = 64;
    /// @dev Milliseconds per hour (the substitute rate is per hour, gaps are in ms).
    uint256 private constant MS_PER_HOUR = 3_600_000;

    /// @notice A facility: its owner receives the credits; createdBy is the verifier that created it.
    struct Facility {
        address owner;
        address createdBy;
        uint64 periodCount;
    }

    /// @notice A period's terms and state. start/end Unix seconds ([start, end)); baselineKg kg CO2e;
    /// maxGap ms; substituteRateKgPerHour kg per hour; closedAt Unix seconds (0 while open);
    /// massGrams = sum of the claims' lastTotal - firstTotal; claimGapMs = sum of the claims' gapTime;
    /// chargedGapMs (at close) = claimGapMs + edges + whole periods of devices without claims;
    /// substituteGrams = ceil(rate * 1000 * chargedGapMs / 3,600,000); emissionsGrams = massGrams +
    /// substituteGrams; mintedAmount in units of UNIT_GRAMS.
    struct Period {
        uint64 start;
        uint64 end;
        uint64 baselineKg;
        uint64 maxGap;
        uint64 substituteRateKgPerHour;
        uint64 closedAt;
        uint32 claimCount;
        bool closed;
        bool voided;
        bool minted;
        uint128 massGrams;
        uint128 claimGapMs;
        uint256 chargedGapMs;
        uint256 substituteGrams;
        uint256 emissionsGrams;
        uint256 mintedAmount;
    }

    /// @notice A device's progress in a period: whether it is one of the period's devices, how many
    /// claims it has, and the first time and last (time, total) of its claim chain (ms, grams).
    struct DeviceProgress {
        bool member;
        uint32 claimCount;
        uint64 firstTime;
        uint64 lastTime;
        uint64 lastTotal;
    }

    /// @notice A permanent retirement record: serials serialFrom..serialTo (inclusive) of tokenId;
    /// timestamp Unix seconds.
    struct Retirement {
        address holder;
        uint256 tokenId;
        uint256 amount;
        string beneficiary;
        string reason;
        uint256 serialFrom;
        uint256 serialTo;
        uint64 timestamp;
    }

    /// @notice The registry whose anchored emissions claims and registered devices count here.
    IAnchorRegistry public immutable registry;
    /// @notice Seconds after closePeriod during which the regulator may void the period.
    uint64 public immutable challengeWindowSeconds;

    uint256 private _facilityCount;
    mapping(uint256 facilityId => Facility) private _facilities;
    mapping(uint256 tokenId => Period) private _periods;
    mapping(uint256 tokenId => uint256[]) private _periodDevices;
    mapping(uint256 tokenId => mapping(uint256 device => DeviceProgress)) private _progress;
    mapping(uint256 tokenId => mapping(uint256 device => bytes32[])) private _deviceClaims;
    /// @dev Per device, the token ids of its periods that had not ended when last looked at; per facility,
    /// the ids of its periods likewise. A new period starts after the block time, so a period that has
    /// ended cannot overlap it: setPeriod drops ended ones while it checks, keeping both lists (and its
    /// gas) to the periods not yet over instead of a device's whole history.
    mapping(uint256 device => uint256[] tokenIds) private _liveDevicePeriods;
    mapping(uint256 facilityId => uint256[] periodIds) private _liveFacilityPeriods;
    mapping(bytes32 claimId => uint256 tokenId) private _claimUse;
    mapping(uint256 tokenId => uint256) private _retiredUnits;
    Retirement[] private _retirements;

    /// @notice An argument that must be an address is zero.
    error ZeroAddress();
    /// @notice The facility does not exist.
    error FacilityNotFound(uint256 facilityId);
    /// @notice The period does not exist (period ids of a facility count from 1).
    error PeriodNotFound(uint256 facilityId, uint256 periodId);
    /// @notice `account` owns the facility (or would) and may therefore not verify it.
    error OwnerCannotVerify(uint256 facilityId, address account);
    /// @notice start must be before end.
    error InvalidPeriodTimes(uint64 start, uint64 end);
    /// @notice Terms can only be set before the period starts (block time < start).
    error PeriodAlreadyStarted(uint64 start, uint256 blockTime);
    /// @notice maxGap and the substitute rate must be positive.
    error InvalidTerms(uint64 maxGap, uint64 substituteRateKgPerHour);
    /// @notice A period lists 1..MAX_DEVICES_PER_PERIOD devices.
    error InvalidDeviceCount(uint256 count, uint256 max);
    /// @notice The device is not registered in the registry.
    error DeviceNotRegistered(uint256 device);
    /// @notice The device is listed twice.
    error DuplicateDevice(uint256 device);
    /// @notice The device is in period periodId of another facility facilityId overlapping this one.
    error DeviceInOtherFacility(uint256 device, uint256 facilityId, uint256 periodId);
    /// @notice The new period overlaps the facility's period periodId.
    error PeriodsOverlap(uint256 facilityId, uint256 periodId);
    /// @notice `account` has neither ORACLE_ROLE nor VERIFIER_ROLE.
    error NotOracleOrVerifier(address account);
    /// @notice The period is closed: no more claims, no second close.
    error PeriodAlreadyClosed(uint256 facilityId, uint256 periodId);
    /// @notice The period is not closed yet (void and mint need a closed period).
    error PeriodNotClosed(uint256 facilityId, uint256 periodId);
    /// @notice closePeriod before the end (block time < end).
    error PeriodNotEnded(uint256 facilityId, uint256 periodId, uint64 end, uint256 blockTime);
    /// @notice The claim already counted in the period of token id tokenId.
    error ClaimAlreadyUsed(bytes32 claimId, uint256 tokenId);
    /// @notice The claim's device is not one of the period's devices.
    error DeviceNotInPeriod(uint256 device, uint256 facilityId, uint256 periodId);
    /// @notice The claim was proven with a maxGap above the period's.
    error ClaimMaxGapTooLarge(bytes32 claimId, uint64 claimMaxGap, uint64 periodMaxGap);
    /// @notice The device's first claim starts before the period's start (ms).
    error ClaimBeforePeriod(bytes32 claimId, uint64 firstTime, uint256 startMs);
    /// @notice The claim starts at or after the period's end, or ends later than end + maxGap (ms).
    error ClaimBeyondPeriod(bytes32 claimId, uint64 firstTime, uint64 lastTime, uint256 endMs, uint64 maxGap);
    /// @notice The claim does not continue the device's chain: its first (time, total) must equal the
    /// previous claim's last (time, total).
    error ContinuityBroken(bytes32 claimId, uint256 device, uint64 expectedTime, uint64 expectedTotal,
        uint64 firstTime, uint64 firstTotal);
    /// @notice Voiding is only possible before windowEnd (Unix seconds).
    error ChallengeWindowClosed(uint256 facilityId, uint256 periodId, uint256 windowEnd);
    /// @notice Minting is only possible from windowEnd (Unix seconds) on.
    error ChallengeWindowOpen(uint256 facilityId, uint256 periodId, uint256 windowEnd);
    /// @notice The period was voided: nothing is minted for it, it cannot be voided again.
    error PeriodWasVoided(uint256 facilityId, uint256 periodId);
    /// @notice The period's credits were minted already.
    error AlreadyMinted(uint256 facilityId, uint256 periodId);
    /// @notice Retiring zero units.
    error ZeroAmount();
    /// @notice No retirement with this index.
    error RetirementNotFound(uint256 index);

    /// @notice A facility was created by verifier `createdBy` for `owner`.
    event FacilityCreated(uint256 indexed facilityId, address indexed owner, address indexed createdBy);
    /// @notice A period's terms were set (tokenId = (facilityId << 128) | periodId).
    event PeriodSet(uint256 indexed facilityId, uint256 indexed periodId, uint256 indexed tokenId, address verifier,
        uint64 start, uint64 end, uint256[] devices, uint64 baselineKg, uint64 maxGap, uint64 substituteRateKgPerHour);
    /// @notice An emissions claim was counted: mass = lastTotal - firstTotal (g), gapTime (ms).
    event ClaimSubmitted(uint256 indexed facilityId, uint256 indexed periodId, bytes32 indexed claimId,
        uint256 device, uint64 firstTime, uint64 lastTime, uint64 massGrams, uint64 gapTime);
    /// @notice The period was closed; its emissions are fixed and the challenge window runs to windowEnd.
    event PeriodClosed(uint256 indexed facilityId, uint256 indexed periodId, address indexed closedBy,
        uint256 massGrams, uint256 chargedGapMs, uint256 substituteGrams, uint256 emissionsGrams, uint256 windowEnd);
    /// @notice The regulator voided the period.
    event PeriodVoided(uint256 indexed facilityId, uint256 indexed periodId, address indexed regulator, string reason);
    /// @notice The period's credits were minted to the owner (amount may be 0); claimCount claims back them
    /// (deviceClaims lists them).
    event Minted(uint256 indexed facilityId, uint256 indexed periodId, uint256 indexed tokenId, address owner,
        uint256 amount, uint256 emissionsGrams, uint64 baselineKg, uint32 claimCount);
    /// @notice Units serialFrom..serialTo of tokenId were retired by holder (record `index`).
    event Retired(uint256 indexed index, address indexed holder, uint256 indexed tokenId, uint256 amount,
        uint256 serialFrom, uint256 serialTo, string beneficiary, string reason);

    /// @param admin gets DEFAULT_ADMIN_ROLE (grants the other roles)
    /// @param registry_ the AnchorRegistry of devices and anchored claims
    /// @param uri_ ERC-1155 metadata URI (with {id})
    /// @param challengeWindowSeconds_ length of the regulator's challenge window after closePeriod
    constructor(address admin, IAnchorRegistry registry_, string memory uri_, uint64 challengeWindowSeconds_)
        ERC1155(uri_)
    {
        require(admin != address(0) && address(registry_) != address(0), ZeroAddress());
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
        challengeWindowSeconds = challengeWindowSeconds_;
    }

    /// @notice The token id of a facility's period: (facilityId << 128) | periodId. An exchange cites a
    /// credit as (tokenId, serial).
    function tokenId(uint256 facilityId, uint256 periodId) public pure returns (uint256) {
        return (facilityId << 128) | periodId;
    }

    /// @notice Creates a facility owned by `owner`. VERIFIER_ROLE; the caller may not be the owner.
    /// @return facilityId the new facility's id (from 1)
    function createFacility(address owner) external onlyRole(VERIFIER_ROLE) returns (uint256 facilityId) {
        require(owner != address(0), ZeroAddress());
        facilityId = ++_facilityCount;
        require(owner != msg.sender, OwnerCannotVerify(facilityId, msg.sender));
        _facilities[facilityId] = Facility(owner, msg.sender, 0);
        emit FacilityCreated(facilityId, owner, msg.sender);
    }

    /// @notice Sets the terms of a new period of a facility. VERIFIER_ROLE, never the facility's owner;
    /// before the period starts. Devices: registered, no duplicates, in no overlapping period of another
    /// facility; the facility's periods may not overlap each other.
    /// @param start period start, Unix seconds (inclusive)
    /// @param end period end, Unix seconds (exclusive), > start
    /// @param devices the devices whose emissions count (1..MAX_DEVICES_PER_PERIOD)
    /// @param baselineKg baseline emissions of the period, kg CO2e
    /// @param maxGap largest gap (ms) between readings that is not charged; claims' maxGap must not exceed it
    /// @param substituteRateKgPerHour rate charged for uncovered time, kg CO2e per hour (> 0)
    /// @return periodId the new period's id within the facility (from 1)
    function setPeriod(uint256 facilityId, uint64 start, uint64 end, uint256[] calldata devices, uint64 baselineKg,
        uint64 maxGap, uint64 substituteRateKgPerHour) external onlyRole(VERIFIER_ROLE) returns (uint256 periodId) {
        require(maxGap > 0 && substituteRateKgPerHour > 0, InvalidTerms(maxGap, substituteRateKgPerHour));
        periodId = _nextPeriod(facilityId, start, end, devices.length);
        uint256 id = tokenId(facilityId, periodId);
        for (uint256 i = 0; i < devices.length; i++) {
            _addDevice(id, facilityId, devices[i], start, end);
        }
        _periodDevices[id] = devices;
        Period storage p = _periods[id];
        p.start = start;
        p.end = end;
        p.baselineKg = baselineKg;
        p.maxGap = maxGap;
        p.substituteRateKgPerHour = substituteRateKgPerHour;
        _emitPeriodSet(facilityId, periodId, id);
    }

    /// @notice Counts an anchored emissions claim in an open period. ORACLE_ROLE. The claim: anchored in
    /// the registry, not counted before, of one of the period's devices, claim.maxGap <= the period's;
    /// a device's first claim starts at or after the start; every later one continues the previous
    /// exactly (firstTime = previous lastTime, firstTotal = previous lastTotal); every claim starts
    /// before the end and ends no later than end + maxGap.
    function submitClaim(uint256 facilityId, uint256 periodId, bytes32 claimId) external onlyRole(ORACLE_ROLE) {
        uint256 id = tokenId(facilityId, periodId);
        Period storage p = _period(facilityId, periodId);
        require(!p.closed, PeriodAlreadyClosed(facilityId, periodId));
        require(_claimUse[claimId] == 0, ClaimAlreadyUsed(claimId, _claimUse[claimId]));
        IAnchorRegistry.EmissionsClaim memory c = registry.emissionsClaim(claimId);
        DeviceProgress storage progress = _progress[id][c.device];
        require(progress.member, DeviceNotInPeriod(c.device, facilityId, periodId));
        require(c.maxGap <= p.maxGap, ClaimMaxGapTooLarge(claimId, c.maxGap, p.maxGap));
        if (progress.claimCount == 0) {
            require(uint256(c.firstTime) >= uint256(p.start) * 1000,
                ClaimBeforePeriod(claimId, c.firstTime, uint256(p.start) * 1000));
            progress.firstTime = c.firstTime;
        } else {
            require(c.firstTime == progress.lastTime && c.firstTotal == progress.lastTotal,
                ContinuityBroken(claimId, c.device, progress.lastTime, progress.lastTotal, c.firstTime, c.firstTotal));
        }
        uint256 endMs = uint256(p.end) * 1000;
        require(c.firstTime < endMs && c.lastTime <= endMs + p.maxGap,
            ClaimBeyondPeriod(claimId, c.firstTime, c.lastTime, endMs, p.maxGap));
        progress.claimCount += 1;
        progress.lastTime = c.lastTime;
        progress.lastTotal = c.lastTotal;
        uint64 mass = c.lastTotal - c.firstTotal;
        p.massGrams += mass;
        p.claimGapMs += c.gapTime;
        p.claimCount += 1;
        _deviceClaims[id][c.device].push(claimId);
        _claimUse[claimId] = id;
        emit ClaimSubmitted(facilityId, periodId, claimId, c.device, c.firstTime, c.lastTime, mass, c.gapTime);
    }

    /// @notice Closes a period after its end (block time >= end), once, and fixes its emissions.
    /// ORACLE_ROLE or VERIFIER_ROLE. Charged time = the claims' gapTime + per device with claims the
    /// start edge (firstTime - start) if it exceeds maxGap (whole) + the end edge (end - lastTime) if
    /// lastTime < end (whole) + per device without claims the whole period. The substitute mass is
    /// rounded up (conservative). Opens the challenge window.
    function closePeriod(uint256 facilityId, uint256 periodId) external {
        require(hasRole(ORACLE_ROLE, msg.sender) || hasRole(VERIFIER_ROLE, msg.sender),
            NotOracleOrVerifier(msg.sender));
        uint256 id = tokenId(facilityId, periodId);
        Period storage p = _period(facilityId, periodId);
        require(!p.closed, PeriodAlreadyClosed(facilityId, periodId));
        require(block.timestamp >= p.end, PeriodNotEnded(facilityId, periodId, p.end, block.timestamp));
        uint256 startMs = uint256(p.start) * 1000;
        uint256 endMs = uint256(p.end) * 1000;
        uint256 charged = p.claimGapMs;
        uint256[] storage devices = _periodDevices[id];
        for (uint256 i = 0; i < devices.length; i++) {
            DeviceProgress storage progress = _progress[id][devices[i]];
            if (progress.claimCount == 0) {
                charged += endMs - startMs;
                continue;
            }
            uint256 startEdge = progress.firstTime - startMs;
            if (startEdge > p.maxGap) charged += startEdge;
            if (progress.lastTime < endMs) charged += endMs - progress.lastTime;
        }
        uint256 substitute = Math.ceilDiv(uint256(p.substituteRateKgPerHour) * 1000 * charged, MS_PER_HOUR);
        p.closed = true;
        p.closedAt = block.timestamp.toUint64();
        p.chargedGapMs = charged;
        p.substituteGrams = substitute;
        p.emissionsGrams = p.massGrams + substitute;
        emit PeriodClosed(facilityId, periodId, msg.sender, p.massGrams, charged, substitute,
            p.emissionsGrams, block.timestamp + challengeWindowSeconds);
    }

    /// @notice Voids a closed period inside its challenge window (block time < closedAt + window), so
    /// that nothing is ever minted for it. REGULATOR_ROLE.
    function voidPeriod(uint256 facilityId, uint256 periodId, string calldata reason)
        external onlyRole(REGULATOR_ROLE)
    {
        Period storage p = _period(facilityId, periodId);
        require(p.closed, PeriodNotClosed(facilityId, periodId));
        require(!p.voided, PeriodWasVoided(facilityId, periodId));
        uint256 windowEnd = uint256(p.closedAt) + challengeWindowSeconds;
        require(block.timestamp < windowEnd, ChallengeWindowClosed(facilityId, periodId, windowEnd));
        p.voided = true;
        emit PeriodVoided(facilityId, periodId, msg.sender, reason);
    }

    /// @notice Mints the period's credits to the facility's owner: max(0, baselineKg * 1000 - emissionsGrams)
    /// / UNIT_GRAMS, rounded down, once, after the challenge window (block time >= closedAt + window) of a
    /// closed, not voided period. Anyone may call: the amount and recipient follow from the contract's
    /// state alone, so the owner does not depend on an oracle to receive what the period earned.
    /// @return amount the units minted (0 if emissions reached the baseline; the period still counts as minted)
    function mint(uint256 facilityId, uint256 periodId) external returns (uint256 amount) {
        uint256 id = tokenId(facilityId, periodId);
        Period storage p = _period(facilityId, periodId);
        require(p.closed, PeriodNotClosed(facilityId, periodId));
        require(!p.voided, PeriodWasVoided(facilityId, periodId));
        require(!p.minted, AlreadyMinted(facilityId, periodId));
        uint256 windowEnd = uint256(p.closedAt) + challengeWindowSeconds;
        require(block.timestamp >= windowEnd, ChallengeWindowOpen(facilityId, periodId, windowEnd));
        uint256 baselineGrams = uint256(p.baselineKg) * 1000;
        uint256 emissions = p.emissionsGrams;
        amount = baselineGrams > emissions ? (baselineGrams - emissions) / UNIT_GRAMS : 0;
        p.minted = true;
        p.mintedAmount = amount;
        address owner = _facilities[facilityId].owner;
        if (amount > 0) {
            _mint(owner, id, amount, "");
        }
        emit Minted(facilityId, periodId, id, owner, amount, emissions, p.baselineKg, p.claimCount);
    }

    /// @notice Retires (burns) `amount` of the caller's units of `tokenId_` and records it permanently with
    /// the next serials of that token id. Retiring more than held reverts with ERC1155InsufficientBalance.
    /// @return index the retirement's index (see retirement(index))
    function retire(uint256 tokenId_, uint256 amount, string calldata beneficiary, string calldata reason)
        external returns (uint256 index)
    {
        require(amount > 0, ZeroAmount());
        _burn(msg.sender, tokenId_, amount);
        uint256 serialFrom = _retiredUnits[tokenId_] + 1;
        uint256 serialTo = serialFrom + amount - 1;
        _retiredUnits[tokenId_] = serialTo;
        index = _retirements.length;
        _retirements.push(Retirement(msg.sender, tokenId_, amount, beneficiary, reason, serialFrom, serialTo,
            uint64(block.timestamp)));
        emit Retired(index, msg.sender, tokenId_, amount, serialFrom, serialTo, beneficiary, reason);
    }

    /// @notice The facility `facilityId`; reverts FacilityNotFound.
    function facility(uint256 facilityId) external view returns (Facility memory) {
        return _facility(facilityId);
    }

    /// @notice Number of facilities created (ids 1..facilityCount).
    function facilityCount() external view returns (uint256) {
        return _facilityCount;
    }

    /// @notice A period's terms, state, emissions, closedAt and minted amount; reverts PeriodNotFound.
    function period(uint256 facilityId, uint256 periodId) external view returns (Period memory) {
        return _period(facilityId, periodId);
    }

    /// @notice A period's devices in the order the verifier listed them.
    function periodDevices(uint256 facilityId, uint256 periodId) external view returns (uint256[] memory) {
        _period(facilityId, periodId);
        return _periodDevices[tokenId(facilityId, periodId)];
    }

    /// @notice A device's progress in a period (member false: not one of its devices).
    function deviceProgress(uint256 facilityId, uint256 periodId, uint256 device)
        external view returns (DeviceProgress memory)
    {
        _period(facilityId, periodId);
        return _progress[tokenId(facilityId, periodId)][device];
    }

    /// @notice The claim ids counted for a device in a period, in chain order (a credit's traceable origin).
    function deviceClaims(uint256 facilityId, uint256 periodId, uint256 device)
        external view returns (bytes32[] memory)
    {
        _period(facilityId, periodId);
        return _deviceClaims[tokenId(facilityId, periodId)][device];
    }

    /// @notice The token id of the period a claim was counted in, or 0 if it was not.
    function claimUse(bytes32 claimId) external view returns (uint256) {
        return _claimUse[claimId];
    }

    /// @notice Units of `tokenId_` retired so far (= the last serial assigned).
    function retiredUnits(uint256 tokenId_) external view returns (uint256) {
        return _retiredUnits[tokenId_];
    }

    /// @notice The retirement record `index`; reverts RetirementNotFound.
    function retirement(uint256 index) external view returns (Retirement memory) {
        require(index < _retirements.length, RetirementNotFound(index));
        return _retirements[index];
    }

    /// @notice Number of retirement records.
    function retirementCount() external view returns (uint256) {
        return _retirements.length;
    }

    /// @inheritdoc ERC1155
    function supportsInterface(bytes4 interfaceId) public view override(ERC1155, AccessControl) returns (bool) {
        return super.supportsInterface(interfaceId);
    }

    function _facility(uint256 facilityId) private view returns (Facility storage f) {
        f = _facilities[facilityId];
        require(f.owner != address(0), FacilityNotFound(facilityId));
    }

    function _period(uint256 facilityId, uint256 periodId) private view returns (Period storage p) {
        require(periodId != 0 && periodId <= _facility(facilityId).periodCount,
            PeriodNotFound(facilityId, periodId));
        p = _periods[tokenId(facilityId, periodId)];
    }

    /// @dev Checks who sets the terms, the times, the device count and the facility's other periods;
    /// reserves and returns the next period id.
    function _nextPeriod(uint256 facilityId, uint64 start, uint64 end, uint256 deviceCount)
        private returns (uint256 periodId)
    {
        Facility storage f = _facility(facilityId);
        require(msg.sender != f.owner, OwnerCannotVerify(facilityId, msg.sender));
        require(start < end, InvalidPeriodTimes(start, end));
        require(block.timestamp < start, PeriodAlreadyStarted(start, block.timestamp));
        require(deviceCount > 0 && deviceCount <= MAX_DEVICES_PER_PERIOD,
            InvalidDeviceCount(deviceCount, MAX_DEVICES_PER_PERIOD));
        uint256[] storage live = _liveFacilityPeriods[facilityId];
        uint256 j = 0;
        while (j < live.length) {
            Period storage other = _periods[tokenId(facilityId, live[j])];
            if (other.end <= block.timestamp) {
                live[j] = live[live.length - 1];
                live.pop();
                continue;
            }
            require(!(start < other.end && other.start < end), PeriodsOverlap(facilityId, live[j]));
            j++;
        }
        periodId = uint256(f.periodCount) + 1;
        f.periodCount = periodId.toUint64();
        live.push(periodId);
    }

    function _emitPeriodSet(uint256 facilityId, uint256 periodId, uint256 id) private {
        Period storage p = _periods[id];
        emit PeriodSet(facilityId, periodId, id, msg.sender, p.start, p.end, _periodDevices[id], p.baselineKg,
            p.maxGap, p.substituteRateKgPerHour);
    }

    /// @dev Checks one device of a new period [start, end) of facilityId and records its membership.
    function _addDevice(uint256 id, uint256 facilityId, uint256 device, uint64 start, uint64 end) private {
        require(registry.isDeviceRegistered(device), DeviceNotRegistered(device));
        DeviceProgress storage progress = _progress[id][device];
        require(!progress.member, DuplicateDevice(device));
        uint256[] storage live = _liveDevicePeriods[device];
        uint256 j = 0;
        while (j < live.length) {
            uint256 otherId = live[j];
            Period storage other = _periods[otherId];
            if (other.end <= block.timestamp) {
                live[j] = live[live.length - 1];
                live.pop();
                continue;
            }
            uint256 otherFacility = otherId >> 128;
            require(otherFacility == facilityId || !(start < other.end && other.start < end),
                DeviceInOtherFacility(device, otherFacility, uint128(otherId)));
            j++;
        }
        live.push(id);
        progress.member = true;
    }
}
