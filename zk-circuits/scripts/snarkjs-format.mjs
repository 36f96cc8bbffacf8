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
