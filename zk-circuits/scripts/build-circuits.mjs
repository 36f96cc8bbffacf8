// Builds the claim circuits (excursion, emissions): ZoKrates programs compiled with the pinned
// zokrates-js, Groth16 keys made the way a ceremony makes them (ADR 044).
//
// Per circuit, into the build cache <cache>/<name>/ (default zk-circuits/target/zk-build, or
// $SENSORPROOF_ZK_CACHE): program.bin, abi.json (zokrates-js: witness), circuit.r1cs (the same
// constraints in snarkjs' format), circuit.zkey (snarkjs phase 2: the proving key),
// verification.key (ZoKrates g16 JSON, exported from the zkey), build.json, timings.json,
// cache-key. The keys:
//   phase 1: development powers of tau 2^15 derived in Java from a public seed
//            (io.sensorproof.zk.setup.PowersOfTau, cached in <cache>/ptau/), or
//   phase 1 + 2 from a ceremony: --zkey NAME=FILE takes that circuit's final .zkey as it is
//            (scripts/ceremony.mjs install passes it);
//   phase 2: `zkey new` (for development keys computed in Java from the public secrets, DevZkeyCommand,
//            byte for byte snarkjs' file; SENSORPROOF_ZK_ZKEY_NEW=snarkjs runs snarkjs) + snarkjs `zkey beacon`
//            with a public beacon per circuit.
// The cache key is the SHA-256 of the circuit's source, every file under circuits/lib, the
// zokrates-js and snarkjs versions and the key source (development ptau key and beacon, or the
// ceremony zkey's hash); a circuit whose key matches is not rebuilt. The compilation has its own key
// (compile-key: source, circuits/lib, zokrates-js version), so a new key route does not recompile.
//
// Then the committed outputs, written (default) or compared (--check, exit 1 on a difference):
//   src/main/resources/io/sensorproof/zk/circuits/<name>/verification.key, abi.json, Verifier.sol,
//     build.json (cache key, constraint count, tool versions, key source)
//   src/test/resources/circuits/<name>/proof.json (a snarkjs proof of circuits/<name>.example.json
//     with fresh randomness; --check verifies it under the built key instead of proving again)
// The development keys are reproducible and public: anyone can forge proofs with them (ADR 044).
//
// Usage: node build-circuits.mjs [--cache DIR] [--check] [--zkey NAME=FILE]... [names...]
// ($SENSORPROOF_ZK_CEREMONY=DIR takes DIR/phase2/NAME/final.zkey as --zkey NAME=... for every circuit there)
// Needs zk-circuits compiled (mvn -B -o -pl zk-circuits -am compile) for the Java powers of tau.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { initialize, metadata } from "zokrates-js";
import {
  DEV_BEACON_ITERATIONS_EXP, DEV_PTAU_POWER, DEV_PTAU_SEED, devBeaconHash, devPhase2, devPtau, devPtauKey, memFile,
  moduleDir, sha256File, snarkjsVersion, zokratesVk,
} from "./keys.mjs";
import { fromSnarkjsProof } from "./snarkjs-format.mjs";
import { zokratesJsVersion } from "./zokrates-package.mjs";

const circuitsDir = join(moduleDir, "circuits");
const CIRCUITS = ["excursion", "emissions"];

const args = process.argv.slice(2);
let cache = process.env.SENSORPROOF_ZK_CACHE || join(moduleDir, "target", "zk-build");
let check = false;
const names = [];
const ceremonyZkeys = new Map();
// After a ceremony, $SENSORPROOF_ZK_CEREMONY names its directory: its final .zkey files are the keys.
if (process.env.SENSORPROOF_ZK_CEREMONY) {
  for (const name of CIRCUITS) {
    const file = join(process.env.SENSORPROOF_ZK_CEREMONY, "phase2", name, "final.zkey");
    if (existsSync(file)) ceremonyZkeys.set(name, resolve(file));
  }
}
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--cache") cache = args[++i];
  else if (args[i] === "--check") check = true;
  else if (args[i] === "--zkey") {
    const [name, file] = args[++i].split("=");
    if (!CIRCUITS.includes(name) || !file) throw new Error(`--zkey expects NAME=FILE with NAME in ${CIRCUITS}`);
    ceremonyZkeys.set(name, resolve(file));
  } else if (CIRCUITS.includes(args[i])) names.push(args[i]);
  else throw new Error(`unknown argument ${args[i]}`);
}

const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const json = (v) => JSON.stringify(v, null, 2) + "\n";
let differences = 0;
const resolveImport = (from, path) => {
  const file = resolve(dirname(from), path.endsWith(".zok") ? path : path + ".zok");
  return existsSync(file) ? { source: readFileSync(file, "utf8"), location: file } : null;
};

/** Where a circuit's keys come from, as recorded in build.json and hashed into the cache key. */
function keySource(name) {
  const zkey = ceremonyZkeys.get(name);
  if (zkey) {
    return { setup: "ceremony", zkeySha256: sha256File(zkey),
      note: "phase 1 and phase 2 from a ceremony (scripts/ceremony.mjs); the .zkey must be kept, it cannot be rebuilt" };
  }
  return {
    setup: "development",
    phase1: { powersOfTau: `2^${DEV_PTAU_POWER}, derived in Java (io.sensorproof.zk.setup.PowersOfTau) from the public seed "${DEV_PTAU_SEED}"` },
    phase2: { beaconHash: devBeaconHash(name), beaconIterationsExp: DEV_BEACON_ITERATIONS_EXP },
    note: "public secrets: development and tests only, anyone can forge proofs (ADR 044)",
  };
}

/** SHA-256 of what the compilation depends on: the circuit's source, circuits/lib and the zokrates-js version. */
function compileKey(name) {
  const hash = createHash("sha256");
  hash.update(readFileSync(join(circuitsDir, `${name}.zok`)));
  for (const file of readdirSync(join(circuitsDir, "lib")).sort()) {
    hash.update("\0" + file + "\0").update(readFileSync(join(circuitsDir, "lib", file)));
  }
  return hash.update(`\0zokrates-js@${zokratesJsVersion}`).digest("hex");
}

function cacheKey(name, source) {
  // The development powers of tau depend on the Java code that derives them: its sources are hashed too.
  const ptau = source.setup === "development" ? devPtauKey() : "";
  return createHash("sha256").update(compileKey(name))
    .update(`\0snarkjs@${snarkjsVersion}\0keys:${JSON.stringify(source)}\0ptau:${ptau}`).digest("hex");
}

/** Compiles and keys a circuit unless the cache holds it; returns the cached artifacts. */
async function build(name) {
  const source = keySource(name);
  const key = cacheKey(name, source);
  const dir = join(cache, name);
  const keyFile = join(dir, "cache-key");
  if (existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key) {
    const info = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
    console.log(`${name}: cached (${key.slice(0, 12)}), ${info.constraintCount} constraints`);
    return { dir, info };
  }
  mkdirSync(dir, { recursive: true });
  const timings = {};
  const location = join(circuitsDir, `${name}.zok`);
  // The compilation is cached on its own key (compile-key, compile.json): a change of the key route alone
  // (the Java setup sources, the beacon) re-keys the circuit without compiling it again.
  const compiled = compileKey(name);
  const compileKeyFile = join(dir, "compile-key");
  const compileInfo = join(dir, "compile.json");
  let constraintCount;
  let started = Date.now();
  if (existsSync(compileKeyFile) && readFileSync(compileKeyFile, "utf8").trim() === compiled && existsSync(compileInfo)
      && ["program.bin", "abi.json", "circuit.r1cs"].every((f) => existsSync(join(dir, f)))) {
    constraintCount = JSON.parse(readFileSync(compileInfo, "utf8")).constraintCount;
    timings.compileMs = 0;
    timings.compileCached = true;
  } else {
    const artifacts = provider.compile(readFileSync(location, "utf8"), { location, resolveCallback: resolveImport, snarkjs: true });
    timings.compileMs = Date.now() - started;
    constraintCount = artifacts.constraintCount;
    writeFileSync(join(dir, "program.bin"), artifacts.program);
    writeFileSync(join(dir, "abi.json"), json(artifacts.abi));
    writeFileSync(join(dir, "circuit.r1cs"), artifacts.snarkjs.program);
    writeFileSync(compileInfo, json({ constraintCount, compileMs: timings.compileMs }));
    writeFileSync(compileKeyFile, compiled + "\n");
  }
  const zkey = join(dir, "circuit.zkey");
  if (source.setup === "ceremony") {
    copyFileSync(ceremonyZkeys.get(name), zkey);
  } else {
    const ptau = devPtau(cache);
    timings.ptauMs = ptau.ms;
    Object.assign(timings, await devPhase2(name, join(dir, "circuit.r1cs"), ptau.file, zkey));
  }
  started = Date.now();
  const vk = await zokratesVk(zkey);
  timings.exportMs = Date.now() - started;
  const info = {
    circuit: name,
    cacheKey: key,
    constraintCount,
    publicInputs: vk.gamma_abc.length - 1,
    zokratesJs: zokratesJsVersion,
    zokrates: metadata.version,
    snarkjs: snarkjsVersion,
    backend: "zokrates-js witness, snarkjs groth16/bn128 keys",
    keys: source,
  };
  writeFileSync(join(dir, "verification.key"), json(vk));
  writeFileSync(join(dir, "build.json"), json(info));
  writeFileSync(join(dir, "timings.json"), json(timings));
  writeFileSync(keyFile, key + "\n");
  console.log(`${name}: ${constraintCount} constraints, ${JSON.stringify(timings)}`);
  return { dir, info };
}

/** A snarkjs proof of a circuit's arguments in ZoKrates JSON (witness by zokrates-js). */
async function prove(dir, args) {
  const program = new Uint8Array(readFileSync(join(dir, "program.bin")));
  const abi = JSON.parse(readFileSync(join(dir, "abi.json"), "utf8"));
  const computed = provider.computeWitness({ program, abi }, args, { snarkjs: true, logCallback: () => {} });
  const { proof, publicSignals } = await snarkjs.groth16.prove(memFile(readFileSync(join(dir, "circuit.zkey"))),
    memFile(computed.snarkjs.witness));
  return fromSnarkjsProof(proof, publicSignals);
}

/** The committed files of a circuit: name → content. */
async function outputs(name, { dir, info }) {
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
    // (a new proof would differ: snarkjs proves with fresh randomness).
    const proof = JSON.parse(readFileSync(join(moduleDir, fixture), "utf8"));
    const expected = JSON.parse(readFileSync(example, "utf8")).publicInputs.map((v) => BigInt(v));
    const inputsMatch = proof.inputs.length === expected.length && proof.inputs.every((v, i) => BigInt(v) === expected[i]);
    if (!provider.verify(vk, proof) || !inputsMatch) {
      console.log(`${name}: ${fixture} does not verify for the example's public inputs`);
      differences++;
    }
  } else if (existsSync(example)) {
    const started = Date.now();
    const proof = await prove(dir, JSON.parse(readFileSync(example, "utf8")).arguments);
    if (!provider.verify(vk, proof)) throw new Error(`${name}: zokrates-js rejects the snarkjs proof`);
    console.log(`${name}: example proof in ${Date.now() - started} ms`);
    files[fixture] = json(proof);
  }
  return files;
}

// One build of a cache at a time: two processes building the same cold cache (two gateways started
// together after a clone, the integration tests' two forks) would write the same files, and one of
// them failed renaming the other's partial powers of tau. The lock is a directory (mkdir is atomic)
// holding the owner's pid; a lock whose owner is gone (killed build) is taken over. The waiting
// process then finds the cache built and keyed, and skips every step.
const lockDir = join(cache, ".build-lock");
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; } };
async function lockCache() {
  mkdirSync(cache, { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, "pid"), String(process.pid));
      process.on("exit", () => rmSync(lockDir, { recursive: true, force: true }));
      return;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    let owner = NaN;
    try { owner = Number(readFileSync(join(lockDir, "pid"), "utf8")); } catch { /* being written, or its owner died first */ }
    let ageMs = 0;
    try { ageMs = Date.now() - statSync(lockDir).mtimeMs; } catch { continue; /* just released */ }
    if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || (!Number.isInteger(owner) && ageMs > 60_000)) {
      console.log(`${cache}: taking over the build lock of a build that is gone (pid ${owner})`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (waited % 30 === 0) console.log(`${cache}: waiting for another build of this cache (pid ${owner})`);
    await new Promise((done) => setTimeout(done, 1000));
  }
}
await lockCache();

for (const name of names.length > 0 ? names : CIRCUITS) {
  for (const [path, content] of Object.entries(await outputs(name, await build(name)))) {
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
