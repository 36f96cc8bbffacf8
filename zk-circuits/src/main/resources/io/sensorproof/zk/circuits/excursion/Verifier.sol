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
        vk.delta = Pairing.G2Point([uint256(0x04f7dbb9d0a5ff7f0b8eab9d5228b8619ff2d98175a349f267746c47849a905f), uint256(0x11f5cf7cfe1109614fd6ed8770413752ac9ea627e7b3733454932343acdd7aa1)], [uint256(0x08a0bcf1572ff068b7e6873163e9a6f6d5630900754715e6982e1ebf6b52de3f), uint256(0x22c5aa80f3a38dd6e9175f932ff44d2fb48583cb06a27b90be8ef39acaad76ea)]);
        vk.gamma_abc = new Pairing.G1Point[](10);
        vk.gamma_abc[0] = Pairing.G1Point(uint256(0x093f7252693182b4ac2d4b6d565dd860a7b23c5a7c179312ef749dd0f6203ffd), uint256(0x0c2e2e5343a49aab6652ce188e8b171e226dc79d449640923a80893b5aa3acc4));
        vk.gamma_abc[1] = Pairing.G1Point(uint256(0x05602553c23bb81466907bd7da85233840243c95d76c0652f634e3935d806e4f), uint256(0x10dabc34f31baa4d3313e0d9df0cb923df4739ded26d0c5268f8c72ead91f52a));
        vk.gamma_abc[2] = Pairing.G1Point(uint256(0x1e8fcbd12fe944f65fd73cf7c824c80081992e88e201e81441cab95d15571485), uint256(0x1b97d337fe8cc20db9167ee2a5534512cbfab5e370dc72d97b1576e12f85d0f5));
        vk.gamma_abc[3] = Pairing.G1Point(uint256(0x03794351e3095e519c291a5dd18e718a502ab5b935d6ebc9ded77ef8bdc80c2d), uint256(0x2989df7a5be1cd16af21349389c04adf1d96c1bbf3e975e860241b9975f4064f));
        vk.gamma_abc[4] = Pairing.G1Point(uint256(0x00a3862bf3876741901c9c9b847b7af285f64b156770ddb4e9990c80ce90b823), uint256(0x049f60f61e0fc629efeaba188b543d8d0ab2f74f6232a60e298689e42a115a1e));
        vk.gamma_abc[5] = Pairing.G1Point(uint256(0x29b1c29758131b51e8ce65e35eac27bad85b12a36f733147d6193305b0d43ca3), uint256(0x1e2d5e6ed11c648d5dc77629116bf71870a9ad53ac104e0dbefa94864777a78c));
        vk.gamma_abc[6] = Pairing.G1Point(uint256(0x0dcc9bd30152a810746cea406027680220f2d05c7a9e1a4e0ee641daa01b6ad8), uint256(0x0c46c6c2059e5e1bd7e3c8e6dba38cbd7b161563490f8679a7c0e0512adbdb1c));
        vk.gamma_abc[7] = Pairing.G1Point(uint256(0x1fc8610c2b156e1dea8c8b6d75055606309bed8030d02b6b132c25b4f6c17ec4), uint256(0x23648c69cce2d7eb8291689d9eb9b8f4af654fb3bf10415cd491ab39d3866a06));
        vk.gamma_abc[8] = Pairing.G1Point(uint256(0x1070d9e8eff40f75cf358eaa65a4266ebb88ba251a13acf1d70608bc51123742), uint256(0x1d5282de138661511e7ca2baed8bbf27e4571ff2b8ef56665700513f6cf748ad));
        vk.gamma_abc[9] = Pairing.G1Point(uint256(0x20a1d34cddee6c14981e36c30e686664a128a5a59eb11dff8489f0b14ed235db), uint256(0x0009873aed0390c086f70699658f8441e3f061f46d876335ba589f2cf1e28bb8));
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
