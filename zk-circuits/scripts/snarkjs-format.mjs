// Conversion of ZoKrates g16/bn128 JSON (0x-hex, G2 real part first) to snarkjs JSON
// (decimal strings, projective coordinates with z = 1). Both write G2 as [c0, c1].
const dec = (hex) => BigInt(hex).toString(10);
const g1 = ([x, y]) => [dec(x), dec(y), "1"];
const g2 = ([[x0, x1], [y0, y1]]) => [[dec(x0), dec(x1)], [dec(y0), dec(y1)], ["1", "0"]];

export function toSnarkjsVk(vk) {
  return {
    protocol: "groth16",
    curve: "bn128",
    nPublic: vk.gamma_abc.length - 1,
    vk_alpha_1: g1(vk.alpha),
    vk_beta_2: g2(vk.beta),
    vk_gamma_2: g2(vk.gamma),
    vk_delta_2: g2(vk.delta),
    IC: vk.gamma_abc.map(g1),
  };
}

export function toSnarkjsProof(zokratesProof) {
  const { a, b, c } = zokratesProof.proof;
  return {
    proof: { protocol: "groth16", curve: "bn128", pi_a: g1(a), pi_b: g2(b), pi_c: g1(c) },
    publicSignals: zokratesProof.inputs.map(dec),
  };
}

// The inverse: snarkjs JSON (affine or projective with z = 1, decimal) to ZoKrates g16/bn128 JSON
// (0x + 64 lowercase hex digits), for keys exported from a .zkey and proofs of groth16.prove.
const hex = (dec) => "0x" + BigInt(dec).toString(16).padStart(64, "0");
const affine1 = (p) => {
  if (p.length > 2 && BigInt(p[2]) !== 1n) throw new Error("snarkjs G1 point not normalised (z != 1)");
  return [hex(p[0]), hex(p[1])];
};
const affine2 = (p) => {
  if (p.length > 2 && (BigInt(p[2][0]) !== 1n || BigInt(p[2][1]) !== 0n)) throw new Error("snarkjs G2 point not normalised (z != 1)");
  return [[hex(p[0][0]), hex(p[0][1])], [hex(p[1][0]), hex(p[1][1])]];
};

export function fromSnarkjsVk(vk) {
  if (vk.protocol !== "groth16" || vk.curve !== "bn128") throw new Error(`not a groth16/bn128 key: ${vk.protocol}/${vk.curve}`);
  return {
    scheme: "g16",
    curve: "bn128",
    alpha: affine1(vk.vk_alpha_1),
    beta: affine2(vk.vk_beta_2),
    gamma: affine2(vk.vk_gamma_2),
    delta: affine2(vk.vk_delta_2),
    gamma_abc: vk.IC.map(affine1),
  };
}

export function fromSnarkjsProof(proof, publicSignals) {
  return {
    scheme: "g16",
    curve: "bn128",
    proof: { a: affine1(proof.pi_a), b: affine2(proof.pi_b), c: affine1(proof.pi_c) },
    inputs: publicSignals.map(hex),
  };
}
