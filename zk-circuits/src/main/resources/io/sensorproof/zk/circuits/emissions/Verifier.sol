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
        vk.alpha = Pairing.G1Point(uint256(0x0c023d77488b4eb78b8199bcd6b9b4e0c414f0971d8709d9bf17b7c431f9b090), uint256(0x1b7e560bbe9d700942347a57670d1cb1ad0aa3cecd5ff20ec41fee93d3effda9));
        vk.beta = Pairing.G2Point([uint256(0x0562c81a83bb4a5add1599c93acb46a4aa2300acb6262328970321ed987d5c99), uint256(0x115a83140df411137bc854fa43387da5f8b702e3c6354f7c258f2b71bc1d937c)], [uint256(0x2e35d6c3ebc3dd48718f925d248f1bf65356e8e084b862b690db73ad7cec9db1), uint256(0x232e91701d38fd878c4e40f613d7a54f6b2bb5bdf47c6d67ccef966ca7c867ba)]);
        vk.gamma = Pairing.G2Point([uint256(0x214b9e1bd3fd63b534314d2e3ff01695d9513a123bd0a5e10faa0c943b907d08), uint256(0x164874a0c7428a3b64815c9d87d6a2e9f4cf7f07cb8bb2b13f9ba92354334396)], [uint256(0x1be1c656bed9c3a8ed0d865a8f30bc3905854e1f44a38448d9f98adeaaf2e591), uint256(0x088158287c1e6462ffd60d7123ba92fb96747bb626da2ad1b61d015a9e226f00)]);
        vk.delta = Pairing.G2Point([uint256(0x190eb8a44df3d65976dd4684f74d2df78366e3977846c38f69739817dd0f2638), uint256(0x12010566bdb22419b2780dcb10d6956a7203dcb8ecc180c4ea1bb6ea0b9749f2)], [uint256(0x0a354d311e7462b2219d7025d52388284c71c36325401e07c75db6e08272a114), uint256(0x2f111dc5f4b57f337bd28bec1bb69931b49b30ccb4eaf48b1ee18298b1a3460c)]);
        vk.gamma_abc = new Pairing.G1Point[](10);
        vk.gamma_abc[0] = Pairing.G1Point(uint256(0x2628d8b637ab2f2d67ddaae7de2e340e945500468e7390fd912bc5233d635809), uint256(0x219c958bd4baf3b3587f98997c805bfa2d955da050b566d90755e525fba29558));
        vk.gamma_abc[1] = Pairing.G1Point(uint256(0x08b2049f838e9fbaa65b64d85065f217e75f52dbcae4543feb58469175983e55), uint256(0x213ba37efd2d11b3d4b277e73f17a488736941957a9475a76e294e47417d4b3e));
        vk.gamma_abc[2] = Pairing.G1Point(uint256(0x27589f2e6edae0d800accb288ade48a1e655087121ede6a5a18ae6fb8244c002), uint256(0x139e13e2dcd3a16b7df85755286e33bc8d16448998cd700049480d57131af261));
        vk.gamma_abc[3] = Pairing.G1Point(uint256(0x15ff2e05dfb9140cef30351be134e0352b0c92000e658b377d0515a3bb05b5c9), uint256(0x27a156d50f3d75c0cf05e0978884688feb0a05f15fda1623e917000351bf6b5b));
        vk.gamma_abc[4] = Pairing.G1Point(uint256(0x0a2b376779f03cea75644a3cdbd684a22f95aa5b5c641c1554fcb94cd07aa4e9), uint256(0x2af75f475f215de3e37edf66428be0080a9a32ecad1bfc2bc41a49cedf295145));
        vk.gamma_abc[5] = Pairing.G1Point(uint256(0x0f26c3d501a1919094dcc51e4bd43b24f31e160244c1c18b8384a1038e24a7d0), uint256(0x0810c63a3710b5629570ffa95b2c3160b0531ef55f6cedbe04910f78c9a67523));
        vk.gamma_abc[6] = Pairing.G1Point(uint256(0x18fa445ad3c8c9778ca4dd3adcabd95de4da93125ce6467ebbd805ef9a2f06c8), uint256(0x1906b3003a6eda239af38b0b7a611b61d0383ded6c679cbb8a92e578743f0c35));
        vk.gamma_abc[7] = Pairing.G1Point(uint256(0x2287c6aad8193ca4239a21113bfc62418dc31e4176501a65019847ac8eb82b54), uint256(0x2f760c3b96e5bb9aafd49b013b66858ea60807a72526ced4204f5272a615092b));
        vk.gamma_abc[8] = Pairing.G1Point(uint256(0x2e2c1703c43ed62a6cc475c8435207d366fe66fa81544ee9a62dbbc447ec38f5), uint256(0x195c187e5d646daa313894c0571229c3cc379aa64d65373091c3e9c29bc49b8f));
        vk.gamma_abc[9] = Pairing.G1Point(uint256(0x213a9b9146328c92569fd73ab17981ea87879781018c793310c09052e713ffd4), uint256(0x0fffaf0bb47176077ea0b8adc0c97bc066f249cf806c0cfded73ece2bd57c682));
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
