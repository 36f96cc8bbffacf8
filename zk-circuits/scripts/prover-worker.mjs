// Long-running prover worker for the Java ProverClient. Loads each circuit's program, ABI and
// snarkjs proving key (circuit.zkey) once; computes the witness with zokrates-js and proves with
// snarkjs groth16.prove on the zkey (ADR 044); then answers JSON lines on stdin with JSON lines on stdout:
//   {"id": 7, "op": "prove", "circuit": "excursion", "args": [...]}
//     -> {"id": 7, "proof": {...zokrates proof.json...}, "witnessMs": 12, "proveMs": 950}
//   {"id": 8, "op": "witness", "circuit": "excursion", "args": [...]}
//     -> {"id": 8, "output": "[]", "witnessMs": 12}
//   any failure -> {"id": 9, "error": {"code": "WITNESS_FAILED" | "PROVE_FAILED" | "BAD_REQUEST", "message": "..."}}
// The first line written is {"ready": true, "pid": ..., "circuits": [...]}. The worker exits when
// stdin closes (so it never outlives the JVM that started it). Proofs use fresh randomness
// (snarkjs draws r, s from the operating system), in ZoKrates g16 JSON.
//
// Usage: node prover-worker.mjs NAME=DIR [NAME=DIR...]
//   DIR holds program.bin, abi.json and circuit.zkey (the build cache of build-circuits.mjs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as snarkjs from "snarkjs";
import { initialize } from "zokrates-js";
import { memFile } from "./keys.mjs";
import { fromSnarkjsProof } from "./snarkjs-format.mjs";

const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const circuits = new Map();
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new Error(`expected NAME=DIR, got ${arg}`);
  const dir = arg.slice(eq + 1);
  circuits.set(arg.slice(0, eq), {
    artifacts: {
      program: new Uint8Array(readFileSync(join(dir, "program.bin"))),
      abi: JSON.parse(readFileSync(join(dir, "abi.json"), "utf8")),
    },
    zkey: new Uint8Array(readFileSync(join(dir, "circuit.zkey"))),
  });
}

const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const log = (line) => process.stderr.write(line + "\n");
const fail = (id, code, message) => send({ id, error: { code, message: String(message).slice(0, 2000) } });

async function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    return fail(null, "BAD_REQUEST", "not JSON: " + e.message);
  }
  const { id, op = "prove", circuit, args } = request;
  const entry = circuits.get(circuit);
  if (!entry) return fail(id, "BAD_REQUEST", `unknown circuit ${circuit}`);
  if (op !== "prove" && op !== "witness") return fail(id, "BAD_REQUEST", `unknown op ${op}`);
  let started = performance.now();
  let computed;
  try {
    computed = provider.computeWitness(entry.artifacts, args, { logCallback: log, snarkjs: op === "prove" });
  } catch (e) {
    return fail(id, "WITNESS_FAILED", e && e.message ? e.message : e);
  }
  const witnessMs = Math.round(performance.now() - started);
  if (op === "witness") return send({ id, output: computed.output, witnessMs });
  started = performance.now();
  let proof;
  try {
    const result = await snarkjs.groth16.prove(memFile(entry.zkey), memFile(computed.snarkjs.witness));
    proof = fromSnarkjsProof(result.proof, result.publicSignals);
  } catch (e) {
    return fail(id, "PROVE_FAILED", e && e.message ? e.message : e);
  }
  send({ id, proof, witnessMs, proveMs: Math.round(performance.now() - started) });
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
// One request at a time, in order; exit once stdin is closed and the last request is answered.
let queue = Promise.resolve();
lines.on("line", (line) => {
  if (line.trim() !== "") queue = queue.then(() => handle(line)).catch((e) => log(`worker error: ${e && e.stack ? e.stack : e}`));
});
lines.on("close", () => queue.then(() => process.exit(0)));
send({ ready: true, pid: process.pid, circuits: [...circuits.keys()] });
