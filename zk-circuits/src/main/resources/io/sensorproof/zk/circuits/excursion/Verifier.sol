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
        vk.alpha = Pairing.G1Point(uint256(0x16fc87873e5729c5aa2cfef2718f97b6036cb6f1208e14254c02331146c1f699), uint256(0x140a286f7c4e540e1dd818df40dbdc78e7349b01c5faddbc9cc07d44e4609ddb));
        vk.beta = Pairing.G2Point([uint256(0x0f2070a31103f8503c961f14005c4957c9ca0a076c877d2f3b0d24a011fbf1e4), uint256(0x17191449f138cf05f46a044559ccc5376ee8a7feaeefa3fd24f95a463c245a0c)], [uint256(0x18e1b5e4171953859572e8639722b04d84750b984e6d189511d893261ac09fb0), uint256(0x07a4bb8da678a9b2a8ba93ca9ea671fcca7b49fdfa035f5cc6f1c2392edbd5df)]);
        vk.gamma = Pairing.G2Point([uint256(0x0d9699b909710d6498200e9b881e5769dd6c267300b87fbd7214a89180c250d0), uint256(0x093aa2174adc132e80645db9489ae8567239627621c8580f517993c3158a7df9)], [uint256(0x0059143421779e3efedd053f7de84a1344d50cc6f8569241168172cfc5761128), uint256(0x29a223b7b677f234cb76e9b48b3d34a70db35418e00b758ed29626f14b05f013)]);
        vk.delta = Pairing.G2Point([uint256(0x175221d16beeea78e6b68f51767c9866960e9ab77120d53e7217ce88304b44c3), uint256(0x1267be4a4e6c06fd1c2d9afa62cbb5c9a601f73c4fcfa66be44f35005f5fbf86)], [uint256(0x227eb4616f9c7b169ab2c6dde8db4985971db26720ef67055eab1b6aad56564a), uint256(0x0be093ec2617b8c14208da47a14d88a864feb2248987e61707f0190eb00d218b)]);
        vk.gamma_abc = new Pairing.G1Point[](10);
        vk.gamma_abc[0] = Pairing.G1Point(uint256(0x0560fc4586e28a74ecf17d126eda7cbf83a2f6166f722e87f3c31db0036f8098), uint256(0x212c63af75e4d395d6ccafe6cd084303263220ef78f1c7c78b99cf3353c20b66));
        vk.gamma_abc[1] = Pairing.G1Point(uint256(0x14ae56fce6229d4c05e011314af163620e67ca7e988180adf17ed0e55585f5a2), uint256(0x1eef1e2d20da0b633f6092e3bd18efff2d2eeb5472bb31fbaf119368602d6bab));
        vk.gamma_abc[2] = Pairing.G1Point(uint256(0x1212a5d7c376e6bcf91b3953d1870e5a84c148cac191afbf46f6f5ef2a1bf56f), uint256(0x16854e8efcba656665be26cd85d38c7c8fb6f6f699ec7a0697b41f97d6f58804));
        vk.gamma_abc[3] = Pairing.G1Point(uint256(0x1a53224fc561ed2154682b2dc77dfd0c1c98913c69d05367109aefa0ac4f76e3), uint256(0x15bb50fb6148a4db8ea7e8dbcd5c890a06ba36ad1dbd298acacb911240370850));
        vk.gamma_abc[4] = Pairing.G1Point(uint256(0x212fcb53d6008c9357cd2f0b7bb2eb108128d50a28f0f05ce67c132d018e774a), uint256(0x03681d4748e40f1a82006170f014ac483e59aa41d91055ea48b10bfdf1d285f0));
        vk.gamma_abc[5] = Pairing.G1Point(uint256(0x302f74e5dc59b3b1097b2609b8a576486c84b6f4dfdc16d6c722de231d52168a), uint256(0x1869fa31c110b079ffd49097ed8cd8c6810460d97449d25972b23d7ec529bcf3));
        vk.gamma_abc[6] = Pairing.G1Point(uint256(0x0b221acbcd9a7232721663853cb62b307cd9d7d2109be85480b56f05b8ff1731), uint256(0x0fd5885ca64b45681d5f6ae62ae59c8034d453b888cf92b85d9de1d8c1acfb7d));
        vk.gamma_abc[7] = Pairing.G1Point(uint256(0x052ee3f841e3f858af262b485fc092031c81e1a5e64a9661b7e0c817821573d3), uint256(0x104258518e137feb02494d927b89a786e27713885616a390d3b496a4447ffd5d));
        vk.gamma_abc[8] = Pairing.G1Point(uint256(0x180cf370ed52e2f22a5e2e42b917c17e94b2500c26efa4596ff0fd3c71ae2fdf), uint256(0x05ce448b4db3f1ced2216059cedd16006c2e64b8bbd562dc7d3c5310661f9ae2));
        vk.gamma_abc[9] = Pairing.G1Point(uint256(0x2e228dc023dd4df593888b4e2ae441434fea735d7adbc205afc493f02fe68b81), uint256(0x1af44c11a3c9134b4e66b8f4bd7a7ae365ffac11aae9e5e7d49dbff29e6b40e1));
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
