// Produces ZoKrates (ark/g16/bn128) fixtures for the Java verifier tests:
// for each circuit under ../circuits, compile, setup, compute a witness, prove, and write
//   <out>/<name>/verification.key, proof.json          (ZoKrates formats)
//   <out>/<name>/snarkjs/verification_key.json, proof.json, public.json
//   <out>/<name>/cache-key                               (sha256 of source + zokrates-js version)
// A circuit whose cache-key matches is skipped. Setup and proof use fixed entropy so the
// outputs are reproducible for a given zokrates-js version.
//
// Usage: node fixtures.mjs [--out DIR] [circuit names...]
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initialize, metadata } from "zokrates-js";
import { toSnarkjsProof, toSnarkjsVk } from "./snarkjs-format.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const circuitsDir = join(here, "..", "circuits");

/** Witness arguments per circuit (ZoKrates ABI order, decimal strings). */
const WITNESS = {
  square1: ["9", "3"],
  cube1: ["27", "3"],
  linear4: ["3", "5", "26", "4", "7"],
  sum8: [["1", "2", "3", "4", "5", "6", "7"], "91", ["1", "2", "3", "4", "5", "6", "0"]],
};

const args = process.argv.slice(2);
let out = join(here, "..", "src", "test", "resources", "circuits");
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out") out = args[++i];
  else names.push(args[i]);
}
const selected = names.length > 0 ? names : Object.keys(WITNESS);

const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });

for (const name of selected) {
  if (!(name in WITNESS)) throw new Error(`unknown circuit ${name}`);
  const source = readFileSync(join(circuitsDir, `${name}.zok`), "utf8");
  const key = createHash("sha256").update(source).update("\0zokrates-js@" + metadata.version).digest("hex");
  const dir = join(out, name);
  const keyFile = join(dir, "cache-key");
  if (existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key) {
    console.log(`${name}: cached (${key.slice(0, 12)})`);
    continue;
  }
  const started = Date.now();
  const artifacts = provider.compile(source);
  const { witness } = provider.computeWitness(artifacts, WITNESS[name]);
  const keypair = provider.setup(artifacts.program, "sensorproof-fixture-setup-" + name);
  const proof = provider.generateProof(artifacts.program, witness, keypair.pk, "sensorproof-fixture-proof-" + name);
  if (!provider.verify(keypair.vk, proof)) throw new Error(`${name}: zokrates-js rejects its own proof`);
  mkdirSync(join(dir, "snarkjs"), { recursive: true });
  const json = (v) => JSON.stringify(v, null, 2) + "\n";
  writeFileSync(join(dir, "verification.key"), json(keypair.vk));
  writeFileSync(join(dir, "proof.json"), json(proof));
  writeFileSync(join(dir, "snarkjs", "verification_key.json"), json(toSnarkjsVk(keypair.vk)));
  const converted = toSnarkjsProof(proof);
  writeFileSync(join(dir, "snarkjs", "proof.json"), json(converted.proof));
  writeFileSync(join(dir, "snarkjs", "public.json"), json(converted.publicSignals));
  writeFileSync(keyFile, key + "\n");
  console.log(`${name}: ${artifacts.constraintCount} constraints, ${proof.inputs.length} inputs, ${Date.now() - started} ms`);
}
