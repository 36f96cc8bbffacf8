// Inputs for the Java Groth16 prover's tests and benchmark (io.sensorproof.zk.groth16.prover):
// circuits compiled by zokrates-js with its snarkjs option (R1CS + .wtns), a powers of tau and
// per-circuit .zkey files made with snarkjs, deterministically (beacons only), plus on request a
// .zkey that received a fresh random contribution. snarkjs verifies the Java proofs, and the
// benchmark times zokrates-js and snarkjs proving on the same circuits and witnesses.
//
//   build OUT POWER [--contribute] NAME...   OUT/pot<POWER>.ptau, OUT/NAME/{circuit.r1cs, witness.wtns,
//                                            circuit.zkey, verification_key.json, info.json}
//                                            [+ contributed.zkey, contributed_vk.json]; cached by source hash
//   compile OUT NAME...                      only the zokrates-js part of build (R1CS, witness, zokrates-js key)
//   claims OUT CACHE [--zokrates-key] NAME...
//                                            the claim circuits as build-circuits.mjs built them (CACHE/NAME: program.bin,
//                                            abi.json, circuit.r1cs, circuit.zkey; no second key build): OUT/NAME/{witness.wtns,
//                                            witness.bin} of circuits/NAME.example.json, copies of program.bin, circuit.r1cs and
//                                            circuit.zkey, verification_key.json exported from the zkey [+ zokrates-proving.key:
//                                            zokrates-js setup of the same program — the key zokrates-js needs for the benchmark's
//                                            baseline, a key of the same circuit and size; cached by the program's hash]
//   verify MANIFEST                          [{name, vk, proof, public}] → [{name, snarkjs}] on stdout
//   bench OUT RESULT NAME...                 zokrates-js generateProof and snarkjs groth16.prove times
//   solidity MANIFEST                        [{name, zkey, proof, public}] → [{name, solidity}]: each zkey's
//                                            exported Solidity verifier, compiled by solc-js and deployed on
//                                            anvil (a free port), called with the proof
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import solc from "solc";
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
  // each step is written under a temporary name and renamed, so an interrupted run resumes from the
  // last complete step and never mistakes a partial file for a finished one
  const step = async (name, make) => {
    const target = join(out, name);
    if (!existsSync(target)) {
      await make(target + ".partial");
      renameSync(target + ".partial", target);
    }
    return target;
  };
  const fresh = await step(`pot${power}_0.ptau`, (f) => snarkjs.powersOfTau.newAccumulator(curve, power, f));
  const beacon = await step(`pot${power}_1.ptau`, (f) => snarkjs.powersOfTau.beacon(fresh, f, "sensorproof test beacon", BEACON, 10));
  await step(`pot${power}.ptau`, (f) => snarkjs.powersOfTau.preparePhase2(beacon, f));
  console.error(`pot${power}: ${Date.now() - started} ms`);
  return file;
}

/** zokrates-js part (no powers of tau needed): R1CS, .wtns, program, witness and a zokrates-js proving key for the benchmark. */
async function compile(out, names) {
  for (const name of names) {
    const dir = join(out, name);
    const key = sourceHash(name, 0);
    const keyFile = join(dir, "compile-key");
    if (existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key) continue;
    mkdirSync(dir, { recursive: true });
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
    const compiled = Date.now();
    const keypair = z.setup(artifacts.program, "sensorproof-bench-setup-" + name);
    writeFileSync(join(dir, "zokrates-proving.key"), keypair.pk);
    writeFileSync(join(dir, "info.json"), json({ name, constraints: artifacts.constraintCount, compileMs: compiled - started,
      zokratesSetupMs: Date.now() - compiled }));
    writeFileSync(keyFile, key + "\n");
    console.error(`${name}: ${artifacts.constraintCount} constraints, compiled in ${compiled - started} ms, zokrates-js setup ${Date.now() - compiled} ms`);
  }
}

async function claims(out, cache, zokratesKey, names) {
  const z = await provider();
  for (const name of names) {
    const source = join(cache, name);
    const dir = join(out, name);
    mkdirSync(dir, { recursive: true });
    const program = new Uint8Array(readFileSync(join(source, "program.bin")));
    const abi = JSON.parse(readFileSync(join(source, "abi.json"), "utf8"));
    const started = Date.now();
    const result = z.computeWitness({ program, abi }, argumentsOf(name), { snarkjs: true, logCallback: () => {} });
    const info = { name, source, witnessMs: Date.now() - started };
    writeFileSync(join(dir, "witness.wtns"), result.snarkjs.witness);
    writeFileSync(join(dir, "witness.bin"), result.witness);
    writeFileSync(join(dir, "program.bin"), program);
    for (const file of ["circuit.r1cs", "circuit.zkey"]) copyFileSync(join(source, file), join(dir, file));
    writeFileSync(join(dir, "verification_key.json"), json(await snarkjs.zKey.exportVerificationKey(join(dir, "circuit.zkey"))));
    if (zokratesKey) {
      const hash = createHash("sha256").update(program).update(`\0zokrates-js@${metadata.version}`).digest("hex");
      const keyFile = join(dir, "zokrates-proving.key");
      const hashFile = join(dir, "zokrates-key-hash");
      if (!(existsSync(keyFile) && existsSync(hashFile) && readFileSync(hashFile, "utf8").trim() === hash)) {
        const setupStarted = Date.now();
        writeFileSync(keyFile, z.setup(program, "sensorproof-bench-setup-" + name).pk);
        writeFileSync(hashFile, hash + "\n");
        info.zokratesSetupMs = Date.now() - setupStarted;
        console.error(`${name}: zokrates-js setup (benchmark baseline key) in ${info.zokratesSetupMs} ms`);
      } else {
        info.zokratesSetup = "cached";
      }
    }
    writeFileSync(join(dir, "info.json"), json(info));
  }
}

async function build(out, power, contribute, names) {
  mkdirSync(out, { recursive: true });
  await compile(out, names);
  const ptauFile = await ptau(out, power);
  for (const name of names) {
    const dir = join(out, name);
    const key = sourceHash(name, power);
    const keyFile = join(dir, "cache-key");
    const cached = existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key;
    if (!cached) {
      const started = Date.now();
      await snarkjs.zKey.newZKey(join(dir, "circuit.r1cs"), ptauFile, join(dir, "circuit_0.zkey"));
      await snarkjs.zKey.beacon(join(dir, "circuit_0.zkey"), join(dir, "circuit.zkey"), "sensorproof test beacon", BEACON, 10);
      writeFileSync(join(dir, "verification_key.json"), json(await snarkjs.zKey.exportVerificationKey(join(dir, "circuit.zkey"))));
      writeFileSync(keyFile, key + "\n");
      console.error(`${name}: zkey (2^${power} powers of tau) in ${Date.now() - started} ms`);
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

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function rpc(url, method, params) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

const word = (v) => BigInt(v).toString(16).padStart(64, "0");

async function solidity(manifestFile) {
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  const templates = { groth16: readFileSync(join(here, "..", "..", "node_modules", "snarkjs", "templates", "verifier_groth16.sol.ejs"), "utf8") };
  const port = await freePort();
  const anvil = spawn(join(here, "..", "..", "node_modules", "@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
    ["--port", String(port), "--silent"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const results = [];
  try {
    let from;
    for (let i = 0; i < 100 && !from; i++) {
      try {
        from = (await rpc(url, "eth_accounts", []))[0];
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!from) throw new Error("anvil did not start");
    const deployed = new Map();
    for (const c of manifest) {
      let address = deployed.get(c.zkey);
      let selector;
      if (!address) {
        const source = await snarkjs.zKey.exportSolidityVerifier(c.zkey, templates);
        const input = { language: "Solidity", sources: { "Verifier.sol": { content: source } },
          settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.methodIdentifiers"] } } } };
        const output = JSON.parse(solc.compile(JSON.stringify(input)));
        const errors = (output.errors ?? []).filter((e) => e.severity === "error");
        if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
        const contract = Object.values(output.contracts["Verifier.sol"])[0];
        const tx = await rpc(url, "eth_sendTransaction", [{ from, data: "0x" + contract.evm.bytecode.object, gas: "0x989680" }]);
        let receipt = null;
        for (let i = 0; i < 300 && !receipt; i++) {
          receipt = await rpc(url, "eth_getTransactionReceipt", [tx]);
          if (!receipt) await new Promise((r) => setTimeout(r, 100));
        }
        if (!receipt || receipt.status !== "0x1" || !receipt.contractAddress) throw new Error("deployment failed: " + JSON.stringify(receipt));
        address = receipt.contractAddress;
        selector = Object.entries(contract.evm.methodIdentifiers).find(([sig]) => sig.startsWith("verifyProof("))[1];
        deployed.set(c.zkey, address);
        deployed.set(c.zkey + "#selector", selector);
      }
      selector = deployed.get(c.zkey + "#selector");
      const proof = JSON.parse(readFileSync(c.proof, "utf8"));
      const inputs = JSON.parse(readFileSync(c.public, "utf8"));
      // the verifier takes G2 coordinates imaginary part first (EIP-197 order)
      const data = "0x" + selector + [proof.pi_a[0], proof.pi_a[1], proof.pi_b[0][1], proof.pi_b[0][0], proof.pi_b[1][1], proof.pi_b[1][0],
        proof.pi_c[0], proof.pi_c[1], ...inputs].map(word).join("");
      const result = await rpc(url, "eth_call", [{ to: address, data }, "latest"]);
      results.push({ name: c.name, solidity: BigInt(result) === 1n });
    }
  } finally {
    anvil.kill();
  }
  process.stdout.write(JSON.stringify(results) + "\n");
}

/** Mean wall and CPU time (process.cpuUsage: every thread of this process) of `runs` calls after one warm-up. */
async function time(runs, fn) {
  await fn();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6 / runs;
  const used = process.cpuUsage(cpu);
  return { wallMs: +wallMs.toFixed(1), cpuMs: +((used.user + used.system) / 1000 / runs).toFixed(1) };
}

async function bench(out, resultFile, runs, names) {
  const z = await provider();
  const results = { zokratesJs: metadata.version, snarkjs: JSON.parse(readFileSync(join(here, "..", "..", "node_modules", "snarkjs",
    "package.json"), "utf8")).version, node: process.version, runs, circuits: {} };
  for (const name of names) {
    const dir = join(out, name);
    const program = new Uint8Array(readFileSync(join(dir, "program.bin")));
    const witness = new Uint8Array(readFileSync(join(dir, "witness.bin")));
    const pk = new Uint8Array(readFileSync(join(dir, "zokrates-proving.key")));
    const zkey = new Uint8Array(readFileSync(join(dir, "circuit.zkey")));
    const wtns = new Uint8Array(readFileSync(join(dir, "witness.wtns")));
    const zokrates = await time(runs, async () => z.generateProof(program, witness, pk));
    // as the pool's snarkjs engine does it: zkey and witness in memory
    const snark = await time(runs, async () => snarkjs.groth16.prove({ type: "mem", data: zkey }, { type: "mem", data: wtns }));
    results.circuits[name] = { zokratesJsProveMs: zokrates.wallMs, zokratesJsProveCpuMs: zokrates.cpuMs, snarkjsProveMs: snark.wallMs,
      snarkjsProveCpuMs: snark.cpuMs, zokratesKeyBytes: pk.length };
    console.error(`${name}: zokrates-js ${JSON.stringify(zokrates)}, snarkjs ${JSON.stringify(snark)}`);
  }
  writeFileSync(resultFile, json(results));
}

const [command, ...rest] = process.argv.slice(2);
if (command === "build") {
  const contribute = rest.includes("--contribute");
  const args = rest.filter((a) => a !== "--contribute");
  await build(args[0], Number(args[1]), contribute, args.slice(2));
} else if (command === "claims") {
  const zokratesKey = rest.includes("--zokrates-key");
  const args = rest.filter((a) => a !== "--zokrates-key");
  await claims(args[0], args[1], zokratesKey, args.slice(2));
} else if (command === "compile") {
  await compile(rest[0], rest.slice(1));
} else if (command === "verify") {
  await verify(rest[0]);
} else if (command === "bench") {
  await bench(rest[0], rest[1], Number(process.env.BENCH_RUNS ?? 3), rest.slice(2));
} else if (command === "solidity") {
  await solidity(rest[0]);
} else {
  console.error("usage: java-prover-fixtures.mjs build|compile|claims|verify|bench|solidity ...");
  process.exit(2);
}
process.exit(0);
