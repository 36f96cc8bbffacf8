// This file is MIT Licensed.
//
// Copyright 2017 Christian Reitwiessner
// Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the "Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:
// The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
pragma solidity ^0.8.0;
library Pairing {
    struct G1Point {
        uint X;
        uint Y;
    }
    // Encoding of field elements is: X[0] * z + X[1]
    struct G2Point {
        uint[2] X;
        uint[2] Y;
    }
    /// @return the generator of G1
    function P1() pure internal returns (G1Point memory) {
        return G1Point(1, 2);
    }
    /// @return the generator of G2
    function P2() pure internal returns (G2Point memory) {
        return G2Point(
            [10857046999023057135944570762232829481370756359578518086990519993285655852781,
             11559732032986387107991004021392285783925812861821192530917403151452391805634],
            [8495653923123431417604973247489272438418190587263600148770280649306958101930,
             4082367875863433681332203403145435568316851327593401208105741076214120093531]
        );
    }
    /// @return the negation of p, i.e. p.addition(p.negate()) should be zero.
    function negate(G1Point memory p) pure internal returns (G1Point memory) {
        // The prime q in the base field F_q for G1
        uint q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
        if (p.X == 0 && p.Y == 0)
            return G1Point(0, 0);
        return G1Point(p.X, q - (p.Y % q));
    }
    /// @return r the sum of two points of G1
    function addition(G1Point memory p1, G1Point memory p2) internal view returns (G1Point memory r) {
        uint[4] memory input;
        input[0] = p1.X;
        input[1] = p1.Y;
        input[2] = p2.X;
        input[3] = p2.Y;
        bool success;
        assembly {
            success := staticcall(sub(gas(), 2000), 6, input, 0xc0, r, 0x60)
            // Use "invalid" to make gas estimation work
            switch success case 0 { invalid() }
        }
        require(success);
    }


    /// @return r the product of a point on G1 and a scalar, i.e.
    /// p == p.scalar_mul(1) and p.addition(p) == p.scalar_mul(2) for all points p.
    function scalar_mul(G1Point memory p, uint s) internal view returns (G1Point memory r) {
        uint[3] memory input;
        input[0] = p.X;
        input[1] = p.Y;
        input[2] = s;
        bool success;
        assembly {
            success := staticcall(sub(gas(), 2000), 7, input, 0x80, r, 0x60)
            // Use "invalid" to make gas estimation work
            switch success case 0 { invalid() }
        }
        require (success);
    }
    /// @return the result of computing the pairing check
    /// e(p1[0], p2[0]) *  .... * e(p1[n], p2[n]) == 1
    /// For example pairing([P1(), P1().negate()], [P2(), P2()]) should
    /// return true.
    function pairing(G1Point[] memory p1, G2Point[] memory p2) internal view returns (bool) {
        require(p1.length == p2.length);
        uint elements = p1.length;
        uint inputSize = elements * 6;
        uint[] memory input = new uint[](inputSize);
        for (uint i = 0; i < elements; i++)
        {
            input[i * 6 + 0] = p1[i].X;
            input[i * 6 + 1] = p1[i].Y;
            input[i * 6 + 2] = p2[i].X[1];
            input[i * 6 + 3] = p2[i].X[0];
            input[i * 6 + 4] = p2[i].Y[1];
            input[i * 6 + 5] = p2[i].Y[0];
        }
        uint[1] memory out;
        bool success;
        assembly {
            success := staticcall(sub(gas(), 2000), 8, add(input, 0x20), mul(inputSize, 0x20), out, 0x20)
            // Use "invalid" to make gas estimation work
            switch success case 0 { invalid() }
        }
        require(success);
        return out[0] != 0;
    }
    /// Convenience method for a pairing check for two pairs.
    function pairingProd2(G1Point memory a1, G2Point memory a2, G1Point memory b1, G2Point memory b2) internal view returns (bool) {
        G1Point[] memory p1 = new G1Point[](2);
        G2Point[] memory p2 = new G2Point[](2);
        p1[0] = a1;
        p1[1] = b1;
        p2[0] = a2;
        p2[1] = b2;
        return pairing(p1, p2);
    }
    /// Convenience method for a pairing check for three pairs.
    function pairingProd3(
            G1Point memory a1, G2Point memory a2,
            G1Point memory b1, G2Point memory b2,
            G1Point memory c1, G2Point memory c2
    ) internal view returns (bool) {
        G1Point[] memory p1 = new G1Point[](3);
        G2Point[] memory p2 = new G2Point[](3);
        p1[0] = a1;
        p1[1] = b1;
        p1[2] = c1;
        p2[0] = a2;
        p2[1] = b2;
        p2[2] = c2;
        return pairing(p1, p2);
    }
    /// Convenience method for a pairing check for four pairs.
    function pairingProd4(
            G1Point memory a1, G2Point memory a2,
            G1Point memory b1, G2Point memory b2,
            G1Point memory c1, G2Point memory c2,
            G1Point memory d1, G2Point memory d2
    ) internal view returns (bool) {
        G1Point[] memory p1 = new G1Point[](4);
        G2Point[] memory p2 = new G2Point[](4);
        p1[0] = a1;
        p1[1] = b1;
        p1[2] = c1;
        p1[3] = d1;
        p2[0] = a2;
        p2[1] = b2;
        p2[2] = c2;
        p2[3] = d2;
        return pairing(p1, p2);
    }
}

contract Verifier {
    using Pairing for *;
    struct VerifyingKey {
        Pairing.G1Point alpha;
        Pairing.G2Point beta;
        Pairing.G2Point gamma;
        Pairing.G2Point delta;
        Pairing.G1Point[] gamma_abc;
    }
    struct Proof {
        Pairing.G1Point a;
        Pairing.G2Point b;
        Pairing.G1Point c;
    }
    function verifyingKey() pure internal returns (VerifyingKey memory vk) {
        vk.alpha = Pairing.G1Point(uint256(0x3004d04075a22be6f9d4904aadaf9f004561830af9f9b32675ce3d42c3ce5c64), uint256(0x24d2033a94cb245e9a2d2bf697d7b42871ab765959b6f12c22036af6f39af0d9));
        vk.beta = Pairing.G2Point([uint256(0x06c24c8c474f435d13e0da41e121370440ba44f599afc3486590b10d3a00c538), uint256(0x21a88a797eef8d698d3faf3faf0d8f66b6d22f524221febe0484252caf948f25)], [uint256(0x1dd5b3346b32610813b9fd002e80e9a5eb5a0cbde8685080760e9a2520a58a3d), uint256(0x159d3a850b938dfe93b780d6642f3694805214324492254f476b0fccd4dab630)]);
        vk.gamma = Pairing.G2Point([uint256(0x1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed), uint256(0x198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2)], [uint256(0x12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa), uint256(0x090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b)]);
        vk.delta = Pairing.G2Point([uint256(0x25724da357cb04675752846cd6e0b33b3799059b690e84deced406bdb723087e), uint256(0x1ef90c0669c2a48ed028e416e78fd452da85b0f52d85d7bb9c55170248cedc6e)], [uint256(0x1f7f71209c14b5a247ca0dd142fa43f0f6eae045262654e7bc8c911d61c969fc), uint256(0x05cd7ff4aed4668b4c4ffe7ea33cea1fac3825e3a642996e5b22161a94345094)]);
        vk.gamma_abc = new Pairing.G1Point[](10);
        vk.gamma_abc[0] = Pairing.G1Point(uint256(0x288890ce87847806c47c016c57abc727046ea778f12c80f07a6297dff2c01475), uint256(0x0660b9d6f080456cabd711b506742dec0302903933d9ec13cbe855543a696688));
        vk.gamma_abc[1] = Pairing.G1Point(uint256(0x0818a521516915ffc0f176edaee60bcba3b875f815414458c049010026df7f0a), uint256(0x024003f31ac1b34b2e4756bbf1447be04169add19a723a318d3c6fa41fe22872));
        vk.gamma_abc[2] = Pairing.G1Point(uint256(0x16b84705672f7039a711e2a68d5ad09863b1c5681192c6b4c64103553c96a9c8), uint256(0x0380b18cf7bc2b44384a020d40e7294b4986b38c26fa6f16116e36f82021dc2f));
        vk.gamma_abc[3] = Pairing.G1Point(uint256(0x07f0c22b9c770000e80da4b91f82e31298d1a3fb1294bf225358869ff260384a), uint256(0x09eee6e7a60313b378cf4ac3a14e18f90751fed3e6ed398d7f9c16105ddadf08));
        vk.gamma_abc[4] = Pairing.G1Point(uint256(0x127e0e2a005078b44bbda23b0d0f0a80c60f912df4bf8f7733cf6efedbf2ef0d), uint256(0x2c5551e8ceefd7102d9b704ab001a34b2f559740402de99ab98eee3579d070d3));
        vk.gamma_abc[5] = Pairing.G1Point(uint256(0x1cbdf2b218c3af31fb3e7e0290ab0a55efbe96173de5b4fb4b019c347d932b17), uint256(0x0880b362a73a0aa218c7098d010d7975dcecf33dfb484ae9f3de4e5d4445d04a));
        vk.gamma_abc[6] = Pairing.G1Point(uint256(0x09de22a80fae2bdce00ba244f9778519bab93288949936789cf001c3fe6b9afa), uint256(0x09c1c82afe618513a13a90d16fc1ae457b1dee65a195e0114a464718edc08cf5));
        vk.gamma_abc[7] = Pairing.G1Point(uint256(0x298fd1e659da72f98c743ab88da649fdaffee1f5e5df6c0dc09c5aa49f1a2efd), uint256(0x0783255faa6ac168481b880d21700915895e8458ade5289284480dd47e371694));
        vk.gamma_abc[8] = Pairing.G1Point(uint256(0x1d2a50dc25d606751af85bd44eeca71506fb939e0e85ac484e6a1e016229eca3), uint256(0x29593033dcd175ca2bf8d1b20e447a2479d78ce17834266030b7dd09b5209d21));
        vk.gamma_abc[9] = Pairing.G1Point(uint256(0x045c6e7f74d4a1ba8fb2152b1778ea69aaac1d99cc10196c584f764c66f38231), uint256(0x16e229aaf36cd36a49ffc4fd42b0079d64b52d56e05a845ce1e7227032dee8c6));
    }
    function verify(uint[] memory input, Proof memory proof) internal view returns (uint) {
        uint256 snark_scalar_field = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
        VerifyingKey memory vk = verifyingKey();
        require(input.length + 1 == vk.gamma_abc.length);
        // Compute the linear combination vk_x
        Pairing.G1Point memory vk_x = Pairing.G1Point(0, 0);
        for (uint i = 0; i < input.length; i++) {
            require(input[i] < snark_scalar_field);
            vk_x = Pairing.addition(vk_x, Pairing.scalar_mul(vk.gamma_abc[i + 1], input[i]));
        }
        vk_x = Pairing.addition(vk_x, vk.gamma_abc[0]);
        if(!Pairing.pairingProd4(
             proof.a, proof.b,
             Pairing.negate(vk_x), vk.gamma,
             Pairing.negate(proof.c), vk.delta,
             Pairing.negate(vk.alpha), vk.beta)) return 1;
        return 0;
    }
    function verifyTx(
            Proof memory proof, uint[9] memory input
        ) public view returns (bool r) {
        uint[] memory inputValues = new uint[](9);
        
        for(uint i = 0; i < input.length; i++){
            inputValues[i] = input[i];
        }
        if (verify(inputValues, proof) == 0) {
            return true;
        } else {
            return false;
        }
    }
}
