// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @notice One claim circuit's Groth16 verifier behind one small interface, so that a verifier from
/// another toolchain (a ceremony's key, snarkjs' exporter) can replace the ZoKrates one: the
/// AnchorRegistry knows circuits only through this.
interface IClaimVerifier {
    /// @notice Number of public inputs the circuit has (9 for both claims v2 circuits).
    function inputCount() external view returns (uint256);

    /// @notice Whether `proof` proves the circuit for `inputs`.
    /// @param inputs the public inputs in the circuit's order, each < r
    /// @param proof a.x, a.y, b.x[0], b.x[1], b.y[0], b.y[1], c.x, c.y exactly as ZoKrates'
    ///        proof.json writes them (G2 coordinates in the order the exported verifier takes)
    /// @return true if the pairing check holds, false if it does not; reverts with a reason when
    ///         the input is malformed (wrong count, an input >= r, a coordinate >= p).
    function verifyClaim(uint256[] calldata inputs, uint256[8] calldata proof) external view returns (bool);
}
