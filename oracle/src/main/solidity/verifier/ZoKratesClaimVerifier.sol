// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {IClaimVerifier} from "./IClaimVerifier.sol";

/// @notice Range checks shared by the adapters around ZoKrates' exported verifiers: the exported
/// contract `require`s inputs < r without a reason and lets the precompiles fail (an `invalid()`
/// that burns the call's gas) on coordinates >= p; this turns both into errors with a reason first.
abstract contract ZoKratesClaimVerifier is IClaimVerifier {
    /// @dev BN254 scalar field order r (public inputs must be below it).
    uint256 internal constant SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev BN254 base field order p (proof coordinates must be below it).
    uint256 internal constant BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    error WrongInputCount(uint256 expected, uint256 actual);
    error InputOutOfField(uint256 index);
    error CoordinateOutOfField(uint256 index);
    error PointNotOnCurve(uint256 index);

    function _check(uint256[] calldata inputs, uint256[8] calldata proof, uint256 expected) internal pure {
        if (inputs.length != expected) revert WrongInputCount(expected, inputs.length);
        for (uint256 i = 0; i < inputs.length; i++) {
            if (inputs[i] >= SCALAR_FIELD) revert InputOutOfField(i);
        }
        for (uint256 i = 0; i < 8; i++) {
            if (proof[i] >= BASE_FIELD) revert CoordinateOutOfField(i);
        }
        // A and C off the curve would make the precompile fail, which burns the whole call's gas;
        // checking y^2 = x^3 + 3 here costs a few hundred gas. (B, on the twist and in G2, is left to
        // the pairing precompile.)
        _requireOnG1(proof[0], proof[1], 0);
        _requireOnG1(proof[6], proof[7], 6);
    }

    function _requireOnG1(uint256 x, uint256 y, uint256 index) private pure {
        if (x == 0 && y == 0) return; // the point at infinity, as EIP-196 encodes it
        uint256 rhs = addmod(mulmod(x, mulmod(x, x, BASE_FIELD), BASE_FIELD), 3, BASE_FIELD);
        if (mulmod(y, y, BASE_FIELD) != rhs) revert PointNotOnCurve(index);
    }
}
