// Test helper for ClaimVerdictIT: exports ZoKrates' Solidity verifier for each given verification.key
// (zokrates-js exportSolidityVerifier, the same call zk-circuits' build uses for the claim circuits) and
// compiles it with the pinned solc-js and the oracle's settings (evm cancun, optimizer 200 runs).
//
//   node oracle/src/test/node/export-zokrates-verifiers.mjs <out.json> <name>=<verification.key>...
//
// Writes {name: {inputs, bin}} (bin: creation bytecode, 0x-prefixed). Any compiler error fails.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
const require = createRequire(path.join(repoRoot, "package.json"));
const solc = require("solc");
const { initialize } = await import(require.resolve("zokrates-js"));

const [outFile, ...pairs] = process.argv.slice(2);
if (!outFile || pairs.length === 0) {
  console.error("usage: export-zokrates-verifiers.mjs <out.json> <name>=<verification.key>...");
  process.exit(64);
}
const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const out = {};
for (const pair of pairs) {
  const [name, keyFile] = pair.split("=");
  const vk = JSON.parse(fs.readFileSync(keyFile, "utf8"));
  const source = provider.exportSolidityVerifier(vk);
  const input = {
    language: "Solidity",
    sources: { [`${name}.sol`]: { content: source } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { Verifier: ["evm.bytecode.object"] } },
    },
  };
  const result = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (result.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    console.error(errors.map((e) => e.formattedMessage).join("\n"));
    process.exit(1);
  }
  out[name] = { inputs: vk.gamma_abc.length - 1, bin: "0x" + result.contracts[`${name}.sol`].Verifier.evm.bytecode.object };
}
fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
fs.writeFileSync(outFile, JSON.stringify(out, null, 2));
