// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Verifier, Pairing} from "zk/emissions/Verifier.sol";
import {ZoKratesClaimVerifier} from "./ZoKratesClaimVerifier.sol";

/// @notice The emissions claim circuit's ZoKrates verifier (zk-circuits' committed Verifier.sol, built from
/// its development key) behind IClaimVerifier.
contract EmissionsClaimVerifier is ZoKratesClaimVerifier, Verifier {
    uint256 private constant INPUTS = 9;

    function inputCount() external pure returns (uint256) {
        return INPUTS;
    }

    function verifyClaim(uint256[] calldata inputs, uint256[8] calldata proof) external view returns (bool) {
        _check(inputs, proof, INPUTS);
        uint256[INPUTS] memory fixedInputs;
        for (uint256 i = 0; i < INPUTS; i++) {
            fixedInputs[i] = inputs[i];
        }
        Proof memory p = Proof(
            Pairing.G1Point(proof[0], proof[1]),
            Pairing.G2Point([proof[2], proof[3]], [proof[4], proof[5]]),
            Pairing.G1Point(proof[6], proof[7]));
        return verifyTx(p, fixedInputs);
    }
}
