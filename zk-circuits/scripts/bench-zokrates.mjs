// zokrates-js verify timing on the same fixture proofs as the JMH benchmark, written beside the
// JMH results. Each circuit: 20 warm-up verifies, then as many as fit in ~5 s; mean ms/op.
//
// Usage: node bench-zokrates.mjs OUTPUT.json
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initialize, metadata } from "zokrates-js";

const here = dirname(fileURLToPath(import.meta.url));
const circuits = { verify1Input: "square1", verify4Inputs: "linear4", verify8Inputs: "sum8" };
const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const results = { tool: "zokrates-js " + metadata.version, node: process.version, unit: "ms/op", benchmarks: {} };
for (const [bench, circuit] of Object.entries(circuits)) {
  const dir = join(here, "..", "src", "test", "resources", "circuits", circuit);
  const vk = JSON.parse(readFileSync(join(dir, "verification.key"), "utf8"));
  const proof = JSON.parse(readFileSync(join(dir, "proof.json"), "utf8"));
  for (let i = 0; i < 20; i++) provider.verify(vk, proof);
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 5000) {
    if (!provider.verify(vk, proof)) throw new Error(`${circuit}: proof rejected`);
    n++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  results.benchmarks[bench] = { circuit, ops: n, msPerOp: +(elapsed / n).toFixed(3) };
  console.log(`zokrates-js ${bench} (${circuit}): ${(elapsed / n).toFixed(3)} ms/op over ${n} verifies`);
}
const out = process.argv[2];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2) + "\n");
process.exit(0);
