// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice What CollateralFinancing and CarbonCredit read from the AnchorRegistry: registered devices
/// and anchored (verified) claims. Times are device times in milliseconds since the Unix epoch
/// (protocol §7.3), values fixed-point as in protocol §7.2, register totals in grams.
interface IAnchorRegistry {
    /// @notice A verified run claim (excursion circuit): `count` readings of `device` and `quantity`,
    /// every value < lo or > hi, times strictly increasing from firstTime to lastTime, neighbour gaps
    /// at most maxGap (ms). `anchoredAt` is the block timestamp (seconds) of anchoring.
    struct RunClaim {
        uint256 root;
        uint256 device;
        uint8 quantity;
        uint64 lo;
        uint64 hi;
        uint64 firstTime;
        uint64 lastTime;
        uint32 count;
        uint64 maxGap;
        uint64 anchoredAt;
    }

    /// @notice A verified emissions claim (emissions circuit): `count` co2e-register readings of
    /// `device` from (firstTime, firstTotal) to (lastTime, lastTotal) grams, register never
    /// decreasing; gapTime = sum of the neighbour gaps longer than maxGap (ms), each counted whole.
    struct EmissionsClaim {
        uint256 root;
        uint256 device;
        uint64 firstTime;
        uint64 firstTotal;
        uint64 lastTime;
        uint64 lastTotal;
        uint32 count;
        uint64 maxGap;
        uint64 gapTime;
        uint64 anchoredAt;
    }

    /// @notice The anchored run claim `claimId`; reverts ClaimNotAnchored(claimId) if there is none
    /// (including an anchored claim of the other circuit).
    function runClaim(bytes32 claimId) external view returns (RunClaim memory);

    /// @notice The anchored emissions claim `claimId`; reverts ClaimNotAnchored(claimId) if none.
    function emissionsClaim(bytes32 claimId) external view returns (EmissionsClaim memory);

    /// @notice Whether `device` (protocol §7.4 device field) has been registered.
    function isDeviceRegistered(uint256 device) external view returns (bool);
}
