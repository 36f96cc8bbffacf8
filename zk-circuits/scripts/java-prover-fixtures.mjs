// Inputs for the Java Groth16 prover's tests and benchmark (io.sensorproof.zk.groth16.prover):
// circuits compiled by zokrates-js with its snarkjs option (R1CS + .wtns), a powers of tau and
// per-circuit .zkey files made with snarkjs, deterministically (beacons only), plus on request a
// .zkey that received a fresh random contribution. snarkjs verifies the Java proofs, and the
// benchmark times zokrates-js and snarkjs proving on the same circuits and witnesses.
//
//   build OUT POWER [--contribute] NAME...   OUT/pot<POWER>.ptau, OUT/NAME/{circuit.r1cs, witness.wtns,
//                                            circuit.zkey, verification_key.json, info.json}
//                                            [+ contributed.zkey, contributed_vk.json]; cached by source hash
//   verify MANIFEST                          [{name, vk, proof, public}] → [{name, snarkjs}] on stdout
//   bench OUT RESULT NAME...                 zokrates-js generateProof and snarkjs groth16.prove times
//   solidity ZKEY OUTFILE                    the Solidity verifier exported from a zkey
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { initialize, metadata } from "zokrates-js";

const here = dirname(fileURLToPath(import.meta.url));
const circuitsDir = join(here, "..", "circuits");
const SMALL = {
  square1: ["9", "3"],
  cube1: ["27", "3"],
  linear4: ["3", "5", "26", "4", "7"],
  sum8: [["1", "2", "3", "4", "5", "6", "7"], "91", ["1", "2", "3", "4", "5", "6", "0"]],
};
// Public beacon values: development keys must be reproducible from a clean checkout.
const BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const json = (v) => JSON.stringify(v, null, 2) + "\n";
const resolveImport = (from, path) => {
  const file = resolve(dirname(from), path.endsWith(".zok") ? path : path + ".zok");
  return existsSync(file) ? { source: readFileSync(file, "utf8"), location: file } : null;
};
let zokrates;
const provider = async () => (zokrates ??= (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" }));

function argumentsOf(name) {
  if (name in SMALL) return SMALL[name];
  return JSON.parse(readFileSync(join(circuitsDir, `${name}.example.json`), "utf8")).arguments;
}

function sourceHash(name, power) {
  const hash = createHash("sha256").update(readFileSync(join(circuitsDir, `${name}.zok`)));
  if (!(name in SMALL)) {
    for (const file of readdirSync(join(circuitsDir, "lib")).sort()) hash.update("\0" + file + "\0").update(readFileSync(join(circuitsDir, "lib", file)));
    hash.update(readFileSync(join(circuitsDir, `${name}.example.json`)));
  }
  return hash.update(`\0zokrates-js@${metadata.version}\0power ${power}\0beacon ${BEACON}`).digest("hex");
}

async function ptau(out, power) {
  const file = join(out, `pot${power}.ptau`);
  if (existsSync(file)) return file;
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const started = Date.now();
  await snarkjs.powersOfTau.newAccumulator(curve, power, join(out, `pot${power}_0.ptau`));
  await snarkjs.powersOfTau.beacon(join(out, `pot${power}_0.ptau`), join(out, `pot${power}_1.ptau`), "sensorproof test beacon", BEACON, 10);
  await snarkjs.powersOfTau.preparePhase2(join(out, `pot${power}_1.ptau`), file);
  console.error(`pot${power}: ${Date.now() - started} ms`);
  return file;
}

async function build(out, power, contribute, names) {
  mkdirSync(out, { recursive: true });
  const ptauFile = await ptau(out, power);
  for (const name of names) {
    const dir = join(out, name);
    const key = sourceHash(name, power);
    const keyFile = join(dir, "cache-key");
    const cached = existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key;
    mkdirSync(dir, { recursive: true });
    if (!cached) {
      const z = await provider();
      const location = join(circuitsDir, `${name}.zok`);
      const started = Date.now();
      const artifacts = z.compile(readFileSync(location, "utf8"), { location, resolveCallback: resolveImport, snarkjs: true });
      const result = z.computeWitness(artifacts, argumentsOf(name), { snarkjs: true, logCallback: () => {} });
      writeFileSync(join(dir, "circuit.r1cs"), artifacts.snarkjs.program);
      writeFileSync(join(dir, "witness.wtns"), result.snarkjs.witness);
      writeFileSync(join(dir, "program.bin"), artifacts.program);
      writeFileSync(join(dir, "abi.json"), json(artifacts.abi));
      writeFileSync(join(dir, "witness.bin"), result.witness);
      await snarkjs.zKey.newZKey(join(dir, "circuit.r1cs"), ptauFile, join(dir, "circuit_0.zkey"));
      await snarkjs.zKey.beacon(join(dir, "circuit_0.zkey"), join(dir, "circuit.zkey"), "sensorproof test beacon", BEACON, 10);
      writeFileSync(join(dir, "verification_key.json"), json(await snarkjs.zKey.exportVerificationKey(join(dir, "circuit.zkey"))));
      writeFileSync(join(dir, "info.json"), json({ name, constraints: artifacts.constraintCount, power }));
      writeFileSync(keyFile, key + "\n");
      console.error(`${name}: ${artifacts.constraintCount} constraints, built in ${Date.now() - started} ms`);
    }
    if (contribute) {
      // A fresh contribution with operating-system randomness, every time: nobody, not even
      // whoever knows the beacon, knows this key's toxic waste.
      await snarkjs.zKey.contribute(join(dir, "circuit.zkey"), join(dir, "contributed.zkey"), "random test contribution",
        randomBytes(32).toString("hex"));
      writeFileSync(join(dir, "contributed_vk.json"), json(await snarkjs.zKey.exportVerificationKey(join(dir, "contributed.zkey"))));
    }
  }
}

async function verify(manifestFile) {
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  const results = [];
  for (const c of manifest) {
    let verdict;
    try {
      verdict = await snarkjs.groth16.verify(JSON.parse(readFileSync(c.vk, "utf8")), JSON.parse(readFileSync(c.public, "utf8")),
        JSON.parse(readFileSync(c.proof, "utf8")));
    } catch (e) {
      verdict = "error: " + String(e && e.message ? e.message : e).slice(0, 200);
    }
    results.push({ name: c.name, snarkjs: verdict });
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

/** Mean wall time of `runs` calls after one warm-up. */
async function time(runs, fn) {
  await fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1e6 / runs;
}

async function bench(out, resultFile, runs, names) {
  const z = await provider();
  const results = { zokratesJs: metadata.version, snarkjs: "0.7.6", node: process.version, runs, circuits: {} };
  for (const name of names) {
    const dir = join(out, name);
    const program = new Uint8Array(readFileSync(join(dir, "program.bin")));
    const witness = new Uint8Array(readFileSync(join(dir, "witness.bin")));
    const setupStarted = Date.now();
    const keypair = z.setup(program, "sensorproof-bench-setup-" + name);
    const setupMs = Date.now() - setupStarted;
    const zokratesMs = await time(runs, async () => z.generateProof(program, witness, keypair.pk));
    const snarkjsMs = await time(runs, async () => snarkjs.groth16.prove(join(dir, "circuit.zkey"), join(dir, "witness.wtns")));
    results.circuits[name] = { zokratesJsProveMs: +zokratesMs.toFixed(1), snarkjsProveMs: +snarkjsMs.toFixed(1), zokratesSetupMs: setupMs };
    console.error(`${name}: zokrates-js ${zokratesMs.toFixed(1)} ms, snarkjs ${snarkjsMs.toFixed(1)} ms`);
  }
  writeFileSync(resultFile, json(results));
}

const [command, ...rest] = process.argv.slice(2);
if (command === "build") {
  const contribute = rest.includes("--contribute");
  const args = rest.filter((a) => a !== "--contribute");
  await build(args[0], Number(args[1]), contribute, args.slice(2));
} else if (command === "verify") {
  await verify(rest[0]);
} else if (command === "bench") {
  await bench(rest[0], rest[1], Number(process.env.BENCH_RUNS ?? 3), rest.slice(2));
} else if (command === "solidity") {
  const templates = { groth16: readFileSync(join(here, "..", "..", "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"), "utf8") };
  writeFileSync(rest[1], await snarkjs.zKey.exportSolidityVerifier(rest[0], templates));
} else {
  console.error("usage: java-prover-fixtures.mjs build|verify|bench|solidity ...");
  process.exit(2);
}
process.exit(0);
