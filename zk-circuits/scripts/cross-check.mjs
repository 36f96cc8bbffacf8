// Independent verdicts for the Java verifier's cross-check: reads a manifest
// [{name, vk, proof}] of ZoKrates-format files, and for each case prints whether snarkjs
// (after conversion to its format) and zokrates-js accept the proof. Errors count as "reject"
// but are reported as text. Output: one JSON array on stdout.
//
// Usage: node cross-check.mjs MANIFEST.json
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { initialize } from "zokrates-js";
import { toSnarkjsProof, toSnarkjsVk } from "./snarkjs-format.mjs";

const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
const zokrates = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });

async function verdict(check) {
  try {
    return (await check()) === true;
  } catch (e) {
    return "error: " + String(e && e.message ? e.message : e).slice(0, 200);
  }
}

const results = [];
for (const c of manifest) {
  const vk = JSON.parse(readFileSync(c.vk, "utf8"));
  const proof = JSON.parse(readFileSync(c.proof, "utf8"));
  const snark = await verdict(async () => {
    const converted = toSnarkjsProof(proof);
    return snarkjs.groth16.verify(toSnarkjsVk(vk), converted.publicSignals, converted.proof);
  });
  const zok = await verdict(async () => zokrates.verify(vk, proof));
  results.push({ name: c.name, snarkjs: snark, zokrates: zok });
}
process.stdout.write(JSON.stringify(results) + "\n");
process.exit(0);
