// CPU-time benchmark of the claim circuits, robust to a loaded machine: for each claim circuit,
// computes the witness of circuits/<name>.example.json and proves it `runs` times with the cached
// build (zk-circuits/target/zk-build, from build-circuits.mjs), reporting wall time and the
// process's CPU time (process.cpuUsage, user + system, worker threads included) of each step.
// The witness is zokrates-js', the proof snarkjs groth16.prove on circuit.zkey as in the prover
// workers (ADR 044); snarkjs proves on worker threads, so wall time can be below CPU time.
//
// Usage: node bench-claims-cpu.mjs [runs] [OUTPUT.json]
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { initialize } from "zokrates-js";
import { memFile } from "./keys.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const moduleDir = join(here, "..");
const cache = process.env.SENSORPROOF_ZK_CACHE || join(moduleDir, "target", "zk-build");
const runs = Number(process.argv[2] || 3);
const output = process.argv[3];
const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });

async function timed(f) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = await f();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) };
}

const results = { started: new Date().toISOString(), loadAverageAtStart: loadavg()[0], runs, circuits: {} };
for (const name of ["excursion", "emissions"]) {
  const dir = join(cache, name);
  const program = new Uint8Array(readFileSync(join(dir, "program.bin")));
  const abi = JSON.parse(readFileSync(join(dir, "abi.json"), "utf8"));
  const zkey = new Uint8Array(readFileSync(join(dir, "circuit.zkey")));
  const info = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
  const args = JSON.parse(readFileSync(join(moduleDir, "circuits", `${name}.example.json`), "utf8")).arguments;
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const witness = await timed(() => provider.computeWitness({ program, abi }, args, { snarkjs: true, logCallback: () => {} }));
    const proof = await timed(() => snarkjs.groth16.prove(memFile(zkey), memFile(witness.value.snarkjs.witness)));
    samples.push({ witnessWallMs: witness.wallMs, witnessCpuMs: witness.cpuMs, proveWallMs: proof.wallMs,
      proveCpuMs: proof.cpuMs });
    console.log(`${name}: witness ${witness.wallMs} ms wall / ${witness.cpuMs} ms CPU, `
      + `proof ${proof.wallMs} ms wall / ${proof.cpuMs} ms CPU`);
  }
  const mean = (key) => Math.round(samples.reduce((s, x) => s + x[key], 0) / samples.length);
  results.circuits[name] = { constraints: info.constraintCount, samples, meanProveCpuMs: mean("proveCpuMs"),
    meanProveWallMs: mean("proveWallMs"), meanWitnessCpuMs: mean("witnessCpuMs") };
}
results.loadAverageAtEnd = loadavg()[0];
console.log(JSON.stringify(results.circuits));
if (output) writeFileSync(output, JSON.stringify(results, null, 2) + "\n");
process.exit(0);
