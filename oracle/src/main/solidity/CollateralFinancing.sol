// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAnchorRegistry} from "./IAnchorRegistry.sol";

/// @title CollateralFinancing
/// @notice Credit facilities against pledged lots of goods whose condition devices watch. A consortium
/// bank (BANK_ROLE) creates a facility for a borrower, who accepts it; its terms (limit, the lot's
/// devices, and per watched quantity the range, minimum excursion duration, maxGap, maximum evidence
/// age and k) change only with both parties. The borrower draws and repays against the limit (a
/// ledger in currency minor units: this contract moves no tokens). An oracle (ORACLE_ROLE) freezes a
/// facility with anchored run claims (excursion circuit, read from the AnchorRegistry) that prove an
/// excursion of at least the minimum duration on k distinct devices at overlapping times; while
/// frozen, drawdowns revert; only the facility's bank unfreezes, with a reason.
/// @dev Device times are milliseconds since the epoch; block.timestamp is seconds and is compared as
/// block.timestamp * 1000.
contract CollateralFinancing is AccessControl {
    /// @notice May freeze facilities with anchored evidence.
    bytes32 public constant ORACLE_ROLE = keccak256("ORACLE_ROLE");
    /// @notice Consortium-admitted lenders: may create facilities.
    bytes32 public constant BANK_ROLE = keccak256("BANK_ROLE");
    /// @notice How far (ms) a run's lastTime may lie after the block's time: device clocks and the
    /// chain's block time drift apart by a few seconds; 60 s tolerates that without letting a device
    /// claim an excursion that has not happened yet by more than a minute.
    uint64 public constant MAX_CLOCK_SKEW = 60_000;

    /// @notice None: no such facility; Proposed: created by the bank, waiting for the borrower;
    /// Active: accepted (drawdown, repay, freeze, terms changes).
    enum State {
        None,
        Proposed,
        Active
    }

    /// @notice The rule for one watched quantity. lo/hi in the quantity's fixed-point units
    /// (temperatures in centi-kelvin); durations and times in ms.
    struct Watch {
        uint8 quantity;
        uint64 lo;
        uint64 hi;
        uint64 minDuration;
        uint64 maxGap;
        uint64 samplingInterval;
        uint64 maxAge;
        uint8 k;
    }

    /// @notice A facility's terms: limit in currency minor units, the lot's device fields, the watches.
    struct Terms {
        uint256 limit;
        uint256[] devices;
        Watch[] watches;
    }

    /// @notice One device's chain of anchored run-claim ids, in time order. (A struct rather than a
    /// bytes32[][] parameter: org.web3j:codegen 4.13 cannot generate a wrapper for a nested dynamic
    /// array next to struct parameters.)
    struct Run {
        bytes32[] claimIds;
    }

    /// @notice What the facility view returns.
    struct FacilityView {
        address bank;
        address borrower;
        State state;
        uint256 limit;
        uint256 drawn;
        bool frozen;
        uint64 lastUnfreeze;
        uint32 termsVersion;
        Terms terms;
    }

    struct Facility {
        address bank;
        State state;
        bool frozen;
        uint64 lastUnfreeze; // block timestamp (s) of the last unfreeze, 0 if never
        address borrower;
        uint32 termsVersion;
        uint256 drawn;
        Terms terms;
    }

    struct PendingTerms {
        address proposer;
        bytes32 termsHash;
        Terms terms;
    }

    /// @dev A freeze's parameters and the state of its check across runs (a struct, to keep the stack small).
    struct FreezeContext {
        uint256 id;
        uint8 quantity;
        uint32 version;
        uint256 unfreezeMs;
        uint64 latestFirst;
        uint64 earliestLast;
        uint256[] devices;
        uint256[] runLengths;
    }

    /// @dev One run's result while a freeze is checked.
    struct RunResult {
        uint256 device;
        uint64 firstTime;
        uint64 lastTime;
    }

    // --- errors: facilities and parties
    error ZeroAddress();
    error BorrowerIsBank(address bank);
    error FacilityNotFound(uint256 id);
    error FacilityNotProposed(uint256 id, State state);
    error FacilityNotActive(uint256 id, State state);
    error NotBank(uint256 id, address caller);
    error NotBorrower(uint256 id, address caller);
    error NotParty(uint256 id, address caller);
    error NotCounterparty(uint256 id, address caller);
    error NoPendingTerms(uint256 id);
    error StaleTermsHash(uint256 id, bytes32 pending, bytes32 given);
    // --- errors: terms
    error ZeroLimit();
    error LimitBelowDrawn(uint256 id, uint256 limit, uint256 drawn);
    error NoWatches();
    error DeviceNotRegistered(uint256 device);
    error DuplicateDevice(uint256 device);
    error DuplicateWatch(uint8 quantity);
    error InvalidRange(uint8 quantity, uint64 lo, uint64 hi);
    error InvalidMaxGap(uint8 quantity, uint64 maxGap, uint64 samplingInterval);
    error ZeroMinDuration(uint8 quantity);
    error ZeroMaxAge(uint8 quantity);
    error InvalidK(uint8 quantity, uint8 k, uint256 deviceCount);
    // --- errors: ledger
    error ZeroAmount();
    error FacilityFrozen(uint256 id);
    error OverLimit(uint256 id, uint256 amount, uint256 available);
    error RepayExceedsDrawn(uint256 id, uint256 amount, uint256 drawn);
    // --- errors: freeze and unfreeze
    error QuantityNotWatched(uint256 id, uint8 quantity);
    error EmptyRun(uint256 runIndex);
    error DeviceNotInFacility(uint256 id, uint256 device);
    error RunMixesDevices(bytes32 claimId, uint256 runDevice, uint256 claimDevice);
    error ClaimQuantityMismatch(bytes32 claimId, uint8 quantity, uint8 claimQuantity);
    error RangeNarrowerThanTerms(bytes32 claimId, uint64 claimLo, uint64 claimHi, uint64 lo, uint64 hi);
    error ClaimMaxGapTooLarge(bytes32 claimId, uint64 claimMaxGap, uint64 maxGap);
    error ClaimAlreadyUsed(bytes32 claimId);
    error RunOutOfOrder(bytes32 previousClaimId, bytes32 claimId);
    error RunGap(bytes32 previousClaimId, bytes32 claimId, uint64 gap, uint64 maxGap);
    error RunTooShort(uint256 device, uint64 duration, uint64 minDuration);
    error EvidenceBeforeUnfreeze(uint256 device, uint64 firstTime, uint256 unfreezeTimeMs);
    error EvidenceFromFuture(uint256 device, uint64 lastTime, uint256 blockTimeMs);
    error EvidenceStale(uint256 device, uint64 lastTime, uint256 blockTimeMs, uint64 maxAge);
    error NotEnoughDevices(uint8 k, uint256 got);
    error RunsDoNotOverlap(uint64 latestFirstTime, uint64 earliestLastTime);
    error NotFrozen(uint256 id);
    error EmptyReason();

    // --- events
    /// @notice A bank proposed a facility to a borrower.
    event FacilityCreated(uint256 indexed id, address indexed bank, address indexed borrower, uint256 limit, bytes32 termsHash);
    /// @notice The borrower accepted the facility: it is active.
    event FacilityAccepted(uint256 indexed id, address indexed borrower);
    /// @notice A party proposed new terms; the other party may accept them by their hash.
    event TermsProposed(uint256 indexed id, address indexed proposer, bytes32 termsHash);
    /// @notice Both parties agreed: the terms of `id` are now `termsHash` (version `termsVersion`).
    event TermsChanged(uint256 indexed id, bytes32 termsHash, uint32 termsVersion, address proposer, address acceptor);
    /// @notice The borrower drew `amount`; `drawn` is the new outstanding amount.
    event Drawdown(uint256 indexed id, address indexed borrower, uint256 amount, uint256 drawn);
    /// @notice The borrower repaid `amount`; `drawn` is the new outstanding amount.
    event Repaid(uint256 indexed id, address indexed borrower, uint256 amount, uint256 drawn);
    /// @notice `oracle` froze `id` on an excursion of `quantity`: `devices[i]` is run i's device;
    /// `claimIds` are all runs' claims, run by run, each run in time order (`runLengths[i]` claims each).
    event Frozen(uint256 indexed id, uint8 indexed quantity, uint256[] devices, uint256[] runLengths, bytes32[] claimIds, address indexed oracle);
    /// @notice The bank lifted the freeze at block time `unfrozenAt` (s); only runs starting later may freeze again.
    event Unfrozen(uint256 indexed id, address indexed bank, string reason, uint64 unfrozenAt);

    /// @notice The registry whose anchored run claims and registered devices this contract trusts.
    IAnchorRegistry public immutable registry;

    uint256 private _facilityCount;
    mapping(uint256 id => Facility) private _facilities;
    mapping(uint256 id => PendingTerms) private _pending;
    mapping(uint256 id => mapping(bytes32 claimId => bool)) private _used;
    mapping(uint256 id => mapping(uint32 version => mapping(uint256 device => bool))) private _inFacility;
    mapping(uint256 id => mapping(uint32 version => mapping(uint8 quantity => uint256 indexPlusOne))) private _watchIndex;

    /// @param admin holder of DEFAULT_ADMIN_ROLE (grants ORACLE_ROLE and BANK_ROLE)
    /// @param anchorRegistry the AnchorRegistry whose claims and devices the facilities use
    constructor(address admin, IAnchorRegistry anchorRegistry) {
        require(admin != address(0) && address(anchorRegistry) != address(0), ZeroAddress());
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = anchorRegistry;
    }

    // ------------------------------------------------------------------ facilities and terms

    /// @notice Proposes a facility to `borrower` with `terms` (validated); the caller (BANK_ROLE) is its bank.
    /// @return id the new facility's id (from 1), in state Proposed until the borrower accepts
    function createFacility(address borrower, Terms calldata terms) external onlyRole(BANK_ROLE) returns (uint256 id) {
        require(borrower != address(0), ZeroAddress());
        require(borrower != msg.sender, BorrowerIsBank(msg.sender));
        Terms memory t = terms;
        _validate(t);
        id = ++_facilityCount;
        Facility storage f = _facilities[id];
        f.bank = msg.sender;
        f.borrower = borrower;
        f.state = State.Proposed;
        _store(id, f, t);
        emit FacilityCreated(id, msg.sender, borrower, t.limit, keccak256(abi.encode(t)));
    }

    /// @notice The borrower accepts facility `id`, which becomes Active.
    function acceptFacility(uint256 id) external {
        Facility storage f = _existing(id);
        require(msg.sender == f.borrower, NotBorrower(id, msg.sender));
        require(f.state == State.Proposed, FacilityNotProposed(id, f.state));
        f.state = State.Active;
        emit FacilityAccepted(id, msg.sender);
    }

    /// @notice The bank or the borrower of active facility `id` proposes new terms (validated now and
    /// again on acceptance); they replace any earlier pending proposal. The other party applies them
    /// with acceptTerms.
    /// @return termsHash keccak256(abi.encode(terms)), which the other party must name to accept
    function proposeTerms(uint256 id, Terms calldata terms) external returns (bytes32 termsHash) {
        Facility storage f = _active(id);
        require(msg.sender == f.bank || msg.sender == f.borrower, NotParty(id, msg.sender));
        Terms memory t = terms;
        _validate(t);
        _checkLimit(id, t.limit, f.drawn);
        termsHash = keccak256(abi.encode(t));
        PendingTerms storage p = _pending[id];
        p.proposer = msg.sender;
        p.termsHash = termsHash;
        p.terms.limit = t.limit;
        delete p.terms.devices;
        delete p.terms.watches;
        for (uint256 i = 0; i < t.devices.length; i++) {
            p.terms.devices.push(t.devices[i]);
        }
        for (uint256 i = 0; i < t.watches.length; i++) {
            p.terms.watches.push(t.watches[i]);
        }
        emit TermsProposed(id, msg.sender, termsHash);
    }

    /// @notice The other party (not the proposer) accepts the pending terms of `id`, naming their hash
    /// (so a proposal replaced in the meantime is never accepted by mistake); they apply at once.
    function acceptTerms(uint256 id, bytes32 termsHash) external {
        Facility storage f = _active(id);
        require(msg.sender == f.bank || msg.sender == f.borrower, NotParty(id, msg.sender));
        PendingTerms storage p = _pending[id];
        require(p.proposer != address(0), NoPendingTerms(id));
        require(msg.sender != p.proposer, NotCounterparty(id, msg.sender));
        require(p.termsHash == termsHash, StaleTermsHash(id, p.termsHash, termsHash));
        Terms memory t = p.terms;
        _checkLimit(id, t.limit, f.drawn);
        address proposer = p.proposer;
        delete _pending[id]; // clears the pending terms' arrays too
        _store(id, f, t);
        emit TermsChanged(id, termsHash, f.termsVersion, proposer, msg.sender);
    }

    // ------------------------------------------------------------------ ledger

    /// @notice The borrower draws `amount` (currency minor units) from active, unfrozen facility `id`,
    /// up to its limit.
    function drawdown(uint256 id, uint256 amount) external {
        Facility storage f = _active(id);
        require(msg.sender == f.borrower, NotBorrower(id, msg.sender));
        require(!f.frozen, FacilityFrozen(id));
        require(amount > 0, ZeroAmount());
        uint256 limit = f.terms.limit;
        uint256 drawn = f.drawn;
        require(amount <= limit - drawn, OverLimit(id, amount, limit - drawn));
        f.drawn = drawn + amount;
        emit Drawdown(id, msg.sender, amount, drawn + amount);
    }

    /// @notice The borrower repays `amount` of what is drawn on facility `id` (also while frozen).
    function repay(uint256 id, uint256 amount) external {
        Facility storage f = _active(id);
        require(msg.sender == f.borrower, NotBorrower(id, msg.sender));
        require(amount > 0, ZeroAmount());
        uint256 drawn = f.drawn;
        require(amount <= drawn, RepayExceedsDrawn(id, amount, drawn));
        f.drawn = drawn - amount;
        emit Repaid(id, msg.sender, amount, drawn - amount);
    }

    // ------------------------------------------------------------------ freeze and unfreeze

    /// @notice An oracle freezes active, unfrozen facility `id` on an excursion of `quantity`.
    /// @param runs one run per device: `runs[i].claimIds` is that device's chain of anchored run-claim ids
    /// in time order. Each claim: of the run's device (a device of the facility), of `quantity` (which the terms
    /// watch), claim.lo <= watch.lo and claim.hi >= watch.hi, claim.maxGap <= watch.maxGap, never used by an
    /// earlier freeze of this facility. Consecutive claims: next.firstTime > previous.lastTime and the gap
    /// <= watch.maxGap. Each run: lastTime - firstTime >= watch.minDuration, firstTime after the last
    /// unfreeze (ms), lastTime <= block time + MAX_CLOCK_SKEW and block time - lastTime <= watch.maxAge.
    /// At least watch.k runs, of distinct devices, all overlapping (max firstTime <= min lastTime).
    /// Reverts ClaimNotAnchored (from the registry) for a claim id that is not an anchored run claim.
    function freeze(uint256 id, uint8 quantity, Run[] calldata runs) external onlyRole(ORACLE_ROLE) {
        Facility storage f = _active(id);
        require(!f.frozen, FacilityFrozen(id));
        uint256 index = _watchIndex[id][f.termsVersion][quantity];
        require(index != 0, QuantityNotWatched(id, quantity));
        Watch memory w = f.terms.watches[index - 1];
        require(runs.length >= w.k, NotEnoughDevices(w.k, runs.length));
        FreezeContext memory ctx = FreezeContext({
            id: id,
            quantity: quantity,
            version: f.termsVersion,
            unfreezeMs: uint256(f.lastUnfreeze) * 1000,
            latestFirst: 0,
            earliestLast: type(uint64).max,
            devices: new uint256[](runs.length),
            runLengths: new uint256[](runs.length)
        });
        _checkRuns(ctx, w, runs);
        f.frozen = true;
        emit Frozen(id, quantity, ctx.devices, ctx.runLengths, _flatten(runs), msg.sender);
    }

    /// @notice The facility's bank lifts the freeze of `id`, with a non-empty `reason` (kept in the
    /// event). Runs that start at or before this block's time cannot freeze the facility again.
    function unfreeze(uint256 id, string calldata reason) external {
        Facility storage f = _existing(id);
        require(msg.sender == f.bank, NotBank(id, msg.sender));
        require(bytes(reason).length > 0, EmptyReason());
        require(f.frozen, NotFrozen(id));
        uint64 unfrozenAt = SafeCast.toUint64(block.timestamp);
        f.frozen = false;
        f.lastUnfreeze = unfrozenAt;
        emit Unfrozen(id, msg.sender, reason, unfrozenAt);
    }

    // ------------------------------------------------------------------ views

    /// @notice Facility `id`: parties, state, limit, drawn, frozen, last unfreeze (s), terms version and terms.
    function facility(uint256 id) external view returns (FacilityView memory) {
        Facility storage f = _existing(id);
        return FacilityView({
            bank: f.bank,
            borrower: f.borrower,
            state: f.state,
            limit: f.terms.limit,
            drawn: f.drawn,
            frozen: f.frozen,
            lastUnfreeze: f.lastUnfreeze,
            termsVersion: f.termsVersion,
            terms: f.terms
        });
    }

    /// @notice Number of facilities created (ids are 1..facilityCount).
    function facilityCount() external view returns (uint256) {
        return _facilityCount;
    }

    /// @notice Whether `claimId` has served a freeze of facility `id`.
    function isClaimUsed(uint256 id, bytes32 claimId) external view returns (bool) {
        return _used[id][claimId];
    }

    /// @notice The pending terms change of `id`: proposer (zero if none), hash and terms.
    function pendingTerms(uint256 id) external view returns (address proposer, bytes32 termsHash, Terms memory terms) {
        PendingTerms storage p = _pending[id];
        return (p.proposer, p.termsHash, p.terms);
    }

    /// @notice The hash by which terms are proposed and accepted: keccak256(abi.encode(terms)).
    function hashTerms(Terms calldata terms) external pure returns (bytes32) {
        return keccak256(abi.encode(terms));
    }

    // ------------------------------------------------------------------ internals

    function _existing(uint256 id) private view returns (Facility storage f) {
        f = _facilities[id];
        require(f.state != State.None, FacilityNotFound(id));
    }

    function _active(uint256 id) private view returns (Facility storage f) {
        f = _existing(id);
        require(f.state == State.Active, FacilityNotActive(id, f.state));
    }

    function _checkLimit(uint256 id, uint256 limit, uint256 drawn) private pure {
        require(limit >= drawn, LimitBelowDrawn(id, limit, drawn));
    }

    function _validate(Terms memory t) private view {
        require(t.limit > 0, ZeroLimit());
        require(t.watches.length > 0, NoWatches());
        for (uint256 i = 0; i < t.devices.length; i++) {
            uint256 device = t.devices[i];
            require(registry.isDeviceRegistered(device), DeviceNotRegistered(device));
            for (uint256 j = 0; j < i; j++) {
                require(t.devices[j] != device, DuplicateDevice(device));
            }
        }
        for (uint256 i = 0; i < t.watches.length; i++) {
            Watch memory w = t.watches[i];
            for (uint256 j = 0; j < i; j++) {
                require(t.watches[j].quantity != w.quantity, DuplicateWatch(w.quantity));
            }
            require(w.lo <= w.hi, InvalidRange(w.quantity, w.lo, w.hi));
            // an in-range reading could hide in a gap of 2 sampling intervals: maxGap stays below that
            require(w.maxGap > 0 && uint256(w.maxGap) < 2 * uint256(w.samplingInterval),
                InvalidMaxGap(w.quantity, w.maxGap, w.samplingInterval));
            require(w.minDuration > 0, ZeroMinDuration(w.quantity));
            require(w.maxAge > 0, ZeroMaxAge(w.quantity));
            require(w.k >= 1 && w.k <= t.devices.length, InvalidK(w.quantity, w.k, t.devices.length));
        }
    }

    /// @dev Replaces the terms of `f` with `t` under a new version (membership and watch look-ups are
    /// per version, so the old version's entries need no clearing).
    function _store(uint256 id, Facility storage f, Terms memory t) private {
        uint32 version = f.termsVersion + 1;
        f.termsVersion = version;
        f.terms.limit = t.limit;
        delete f.terms.devices;
        delete f.terms.watches;
        for (uint256 i = 0; i < t.devices.length; i++) {
            f.terms.devices.push(t.devices[i]);
            _inFacility[id][version][t.devices[i]] = true;
        }
        for (uint256 i = 0; i < t.watches.length; i++) {
            f.terms.watches.push(t.watches[i]);
            _watchIndex[id][version][t.watches[i].quantity] = i + 1;
        }
    }

    /// @dev Checks every run and that they overlap; fills ctx.devices and ctx.runLengths.
    function _checkRuns(FreezeContext memory ctx, Watch memory w, Run[] calldata runs) private {
        for (uint256 i = 0; i < runs.length; i++) {
            require(runs[i].claimIds.length > 0, EmptyRun(i));
            RunResult memory r = _checkRun(ctx, w, runs[i].claimIds);
            for (uint256 j = 0; j < i; j++) {
                require(ctx.devices[j] != r.device, DuplicateDevice(r.device));
            }
            require(r.firstTime > ctx.unfreezeMs, EvidenceBeforeUnfreeze(r.device, r.firstTime, ctx.unfreezeMs));
            _checkFresh(r, w);
            ctx.devices[i] = r.device;
            ctx.runLengths[i] = runs[i].claimIds.length;
            if (r.firstTime > ctx.latestFirst) {
                ctx.latestFirst = r.firstTime;
            }
            if (r.lastTime < ctx.earliestLast) {
                ctx.earliestLast = r.lastTime;
            }
        }
        require(ctx.latestFirst <= ctx.earliestLast, RunsDoNotOverlap(ctx.latestFirst, ctx.earliestLast));
    }

    /// @dev Checks one device's chain of claims and marks each claim used (so a claim named twice in
    /// one freeze reverts ClaimAlreadyUsed); returns the run's device and span.
    function _checkRun(FreezeContext memory ctx, Watch memory w, bytes32[] calldata claims)
        private
        returns (RunResult memory r)
    {
        uint64 previousLast;
        for (uint256 j = 0; j < claims.length; j++) {
            bytes32 claimId = claims[j];
            IAnchorRegistry.RunClaim memory c = registry.runClaim(claimId);
            if (j == 0) {
                r.device = c.device;
                r.firstTime = c.firstTime;
                require(_inFacility[ctx.id][ctx.version][c.device], DeviceNotInFacility(ctx.id, c.device));
            } else {
                require(c.device == r.device, RunMixesDevices(claimId, r.device, c.device));
            }
            require(c.quantity == ctx.quantity, ClaimQuantityMismatch(claimId, ctx.quantity, c.quantity));
            require(c.lo <= w.lo && c.hi >= w.hi, RangeNarrowerThanTerms(claimId, c.lo, c.hi, w.lo, w.hi));
            require(c.maxGap <= w.maxGap, ClaimMaxGapTooLarge(claimId, c.maxGap, w.maxGap));
            require(!_used[ctx.id][claimId], ClaimAlreadyUsed(claimId));
            _used[ctx.id][claimId] = true;
            if (j > 0) {
                require(c.firstTime > previousLast, RunOutOfOrder(claims[j - 1], claimId));
                uint64 gap = c.firstTime - previousLast;
                require(gap <= w.maxGap, RunGap(claims[j - 1], claimId, gap, w.maxGap));
            }
            previousLast = c.lastTime;
        }
        r.lastTime = previousLast;
        uint64 duration = r.lastTime - r.firstTime;
        require(duration >= w.minDuration, RunTooShort(r.device, duration, w.minDuration));
    }

    function _flatten(Run[] calldata runs) private pure returns (bytes32[] memory claimIds) {
        uint256 count;
        for (uint256 i = 0; i < runs.length; i++) {
            count += runs[i].claimIds.length;
        }
        claimIds = new bytes32[](count);
        uint256 n;
        for (uint256 i = 0; i < runs.length; i++) {
            for (uint256 j = 0; j < runs[i].claimIds.length; j++) {
                claimIds[n++] = runs[i].claimIds[j];
            }
        }
    }

    function _checkFresh(RunResult memory r, Watch memory w) private view {
        uint256 nowMs = block.timestamp * 1000;
        require(uint256(r.lastTime) <= nowMs + MAX_CLOCK_SKEW, EvidenceFromFuture(r.device, r.lastTime, nowMs));
        require(nowMs <= r.lastTime || nowMs - r.lastTime <= w.maxAge, EvidenceStale(r.device, r.lastTime, nowMs, w.maxAge));
    }
}
