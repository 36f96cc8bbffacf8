// Builds the claim circuits (excursion, emissions) with the pinned zokrates-js (ark, g16, bn128).
//
// Per circuit, into the build cache <cache>/<name>/ (default zk-circuits/target/zk-build, or
// $SENSORPROOF_ZK_CACHE): program.bin, abi.json, proving.key, verification.key, build.json,
// cache-key. The cache key is the SHA-256 of the circuit's source, every file under circuits/lib,
// the zokrates-js version and the setup entropy label; a circuit whose key matches is not rebuilt
// (compiling and setting up takes tens of seconds).
//
// Then the committed outputs, written (default) or compared (--check, exit 1 on a difference):
//   src/main/resources/io/sensorproof/zk/circuits/<name>/verification.key, abi.json, Verifier.sol,
//     build.json (cache key, constraint count, tool versions)
//   src/test/resources/circuits/<name>/proof.json (a proof of circuits/<name>.example.json; --check
//     verifies it under the built key instead of proving again)
// Setup and the fixture proof use fixed, public entropy, so the outputs are reproducible: the
// keys are for development and tests only (anyone can forge proofs with them; see ADR 013).
//
// Usage: node build-circuits.mjs [--cache DIR] [--check] [names...]
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { initialize, metadata } from "zokrates-js";
import { zokratesJsVersion } from "./zokrates-package.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const moduleDir = join(here, "..");
const circuitsDir = join(moduleDir, "circuits");
const CIRCUITS = ["excursion", "emissions"];

const args = process.argv.slice(2);
let cache = process.env.SENSORPROOF_ZK_CACHE || join(moduleDir, "target", "zk-build");
let check = false;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--cache") cache = args[++i];
  else if (args[i] === "--check") check = true;
  else if (CIRCUITS.includes(args[i])) names.push(args[i]);
  else throw new Error(`unknown argument ${args[i]}`);
}

const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const json = (v) => JSON.stringify(v, null, 2) + "\n";
let differences = 0;
const resolveImport = (from, path) => {
  const file = resolve(dirname(from), path.endsWith(".zok") ? path : path + ".zok");
  return existsSync(file) ? { source: readFileSync(file, "utf8"), location: file } : null;
};

function cacheKey(name) {
  const hash = createHash("sha256");
  hash.update(readFileSync(join(circuitsDir, `${name}.zok`)));
  for (const file of readdirSync(join(circuitsDir, "lib")).sort()) {
    hash.update("\0" + file + "\0").update(readFileSync(join(circuitsDir, "lib", file)));
  }
  return hash.update(`\0zokrates-js@${zokratesJsVersion}\0setup:${setupEntropy(name)}`).digest("hex");
}
const setupEntropy = (name) => `sensorproof-dev-setup-${name}`;

/** Compiles and sets up a circuit unless the cache holds it; returns the cached artifacts. */
function build(name) {
  const key = cacheKey(name);
  const dir = join(cache, name);
  const keyFile = join(dir, "cache-key");
  if (existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key) {
    const info = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
    console.log(`${name}: cached (${key.slice(0, 12)}), ${info.constraintCount} constraints`);
    return { dir, info };
  }
  mkdirSync(dir, { recursive: true });
  const location = join(circuitsDir, `${name}.zok`);
  let started = Date.now();
  const artifacts = provider.compile(readFileSync(location, "utf8"), { location, resolveCallback: resolveImport });
  const compileMs = Date.now() - started;
  started = Date.now();
  const keypair = provider.setup(artifacts.program, setupEntropy(name));
  const setupMs = Date.now() - started;
  const info = {
    circuit: name,
    cacheKey: key,
    constraintCount: artifacts.constraintCount,
    publicInputs: keypair.vk.gamma_abc.length - 1,
    zokratesJs: zokratesJsVersion,
    zokrates: metadata.version,
    backend: "ark/g16/bn128",
    setup: "single-party, fixed public entropy: development only",
  };
  writeFileSync(join(dir, "program.bin"), artifacts.program);
  writeFileSync(join(dir, "abi.json"), json(artifacts.abi));
  writeFileSync(join(dir, "proving.key"), keypair.pk);
  writeFileSync(join(dir, "verification.key"), json(keypair.vk));
  writeFileSync(join(dir, "build.json"), json(info));
  writeFileSync(keyFile, key + "\n");
  console.log(`${name}: ${artifacts.constraintCount} constraints, compile ${compileMs} ms, setup ${setupMs} ms, `
    + `proving key ${keypair.pk.length} bytes`);
  return { dir, info };
}

/** The committed files of a circuit: name → content. */
function outputs(name, { dir, info }) {
  const vk = JSON.parse(readFileSync(join(dir, "verification.key"), "utf8"));
  const files = {
    [`src/main/resources/io/sensorproof/zk/circuits/${name}/verification.key`]: json(vk),
    [`src/main/resources/io/sensorproof/zk/circuits/${name}/abi.json`]: readFileSync(join(dir, "abi.json"), "utf8"),
    [`src/main/resources/io/sensorproof/zk/circuits/${name}/Verifier.sol`]: provider.exportSolidityVerifier(vk),
    [`src/main/resources/io/sensorproof/zk/circuits/${name}/build.json`]: json(info),
  };
  const example = join(circuitsDir, `${name}.example.json`);
  const fixture = `src/test/resources/circuits/${name}/proof.json`;
  if (existsSync(example) && check) {
    // Checking: the committed proof must verify under the built key for the example's public inputs
    // (re-proving would give the same bytes, at the cost of a proof per circuit).
    const proof = JSON.parse(readFileSync(join(moduleDir, fixture), "utf8"));
    const expected = JSON.parse(readFileSync(example, "utf8")).publicInputs.map((v) => BigInt(v));
    const inputsMatch = proof.inputs.length === expected.length && proof.inputs.every((v, i) => BigInt(v) === expected[i]);
    if (!provider.verify(vk, proof) || !inputsMatch) {
      console.log(`${name}: ${fixture} does not verify for the example's public inputs`);
      differences++;
    }
  } else if (existsSync(example)) {
    const program = new Uint8Array(readFileSync(join(dir, "program.bin")));
    const abi = JSON.parse(readFileSync(join(dir, "abi.json"), "utf8"));
    const { witness } = provider.computeWitness({ program, abi }, JSON.parse(readFileSync(example, "utf8")).arguments,
      { logCallback: () => {} });
    const started = Date.now();
    const proof = provider.generateProof(program, witness, new Uint8Array(readFileSync(join(dir, "proving.key"))),
      `sensorproof-fixture-proof-${name}`);
    if (!provider.verify(vk, proof)) throw new Error(`${name}: zokrates-js rejects its own proof`);
    console.log(`${name}: example proof in ${Date.now() - started} ms`);
    files[fixture] = json(proof);
  }
  return files;
}

for (const name of names.length > 0 ? names : CIRCUITS) {
  for (const [path, content] of Object.entries(outputs(name, build(name)))) {
    const file = join(moduleDir, path);
    if (check) {
      if (!existsSync(file) || readFileSync(file, "utf8") !== content) {
        console.log(`${name}: ${path} differs from the build`);
        differences++;
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
}
process.exit(differences === 0 ? 0 : 1);
