// Long-running prover worker for the Java ProverClient. Loads each circuit's program and ABI once
// (and its snarkjs proving key, circuit.zkey, unless --witness-only); computes witnesses with
// zokrates-js and, for "prove", proves with snarkjs groth16.prove on the zkey (ADR 044, the
// fallback engine); for "wtns" it returns the witness in snarkjs' .wtns format, base64, and the JVM
// proves with the Java prover (the default engine, ADR 045). It answers JSON lines on stdin with
// JSON lines on stdout:
//   {"id": 7, "op": "prove", "circuit": "excursion", "args": [...]}
//     -> {"id": 7, "proof": {...zokrates proof.json...}, "witnessMs": 12, "proveMs": 950}
//   {"id": 8, "op": "wtns", "circuit": "excursion", "args": [...]}
//     -> {"id": 8, "wtns": "<base64 of the .wtns>", "witnessMs": 12}
//   {"id": 9, "op": "witness", "circuit": "excursion", "args": [...]}
//     -> {"id": 9, "output": "[]", "witnessMs": 12}
//   any failure -> {"id": 10, "error": {"code": "WITNESS_FAILED" | "PROVE_FAILED" | "BAD_REQUEST", "message": "..."}}
// A false claim fails in computeWitness (the circuit's asserts), so it is WITNESS_FAILED for every op.
// The first line written is {"ready": true, "pid": ..., "circuits": [...]}. The worker exits when
// stdin closes (so it never outlives the JVM that started it). snarkjs proofs use fresh randomness
// (snarkjs draws r, s from the operating system) and are converted to ZoKrates g16 JSON.
//
// The witness travels base64 in the answer line (about 1.1 MB for the emissions claim's 24,7xx
// signals): decoding it in the JVM costs milliseconds against a proof of a second or more, and no
// temporary file has to be created, named or cleaned up after a crash.
//
// Usage: node prover-worker.mjs [--witness-only] NAME=DIR [NAME=DIR...]
//   DIR holds program.bin, abi.json and circuit.zkey (the build cache of build-circuits.mjs).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as snarkjs from "snarkjs";
import { initialize } from "zokrates-js";
import { memFile } from "./keys.mjs";
import { fromSnarkjsProof } from "./snarkjs-format.mjs";

const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const args = process.argv.slice(2);
const witnessOnly = args.includes("--witness-only");
const circuits = new Map();
for (const arg of args.filter((a) => a !== "--witness-only")) {
  const eq = arg.indexOf("=");
  if (eq <= 0) throw new Error(`expected NAME=DIR, got ${arg}`);
  const dir = arg.slice(eq + 1);
  circuits.set(arg.slice(0, eq), {
    artifacts: {
      program: new Uint8Array(readFileSync(join(dir, "program.bin"))),
      abi: JSON.parse(readFileSync(join(dir, "abi.json"), "utf8")),
    },
    zkey: witnessOnly ? null : new Uint8Array(readFileSync(join(dir, "circuit.zkey"))),
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
  if (op !== "prove" && op !== "witness" && op !== "wtns") return fail(id, "BAD_REQUEST", `unknown op ${op}`);
  if (op === "prove" && witnessOnly) return fail(id, "BAD_REQUEST", "this worker was started with --witness-only");
  let started = performance.now();
  let computed;
  try {
    computed = provider.computeWitness(entry.artifacts, args, { logCallback: log, snarkjs: op !== "witness" });
  } catch (e) {
    return fail(id, "WITNESS_FAILED", e && e.message ? e.message : e);
  }
  const witnessMs = Math.round(performance.now() - started);
  if (op === "witness") return send({ id, output: computed.output, witnessMs });
  if (op === "wtns") return send({ id, wtns: Buffer.from(computed.snarkjs.witness).toString("base64"), witnessMs });
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
