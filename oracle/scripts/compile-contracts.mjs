// Compiles the contracts under oracle/src/main/solidity with the pinned solc-js (npm `solc`), so
// the build needs no native solc download (the web3j Maven plugin would fetch one from the internet).
//
//   node oracle/scripts/compile-contracts.mjs <out-dir> [<contracts.json copy>]
//
// Writes, per contract defined in oracle/src/main/solidity (not in imported files):
//   <out-dir>/<Name>.abi, <out-dir>/<Name>.bin  (what org.web3j:codegen reads)
// and <out-dir>/contracts.json: {solc, evmVersion, optimizer, contracts: {Name: {abi, bin, source}}},
// which the Java side (RevertDecoder, deployer) reads for error selectors.
//
// Imports: "@openzeppelin/contracts/..." from the repository's node_modules (pinned in package.json);
// "zk/<circuit>/Verifier.sol" from zk-circuits' committed ZoKrates verifiers. Any compiler error
// fails the build; warnings are printed.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const moduleDir = path.resolve(here, "..");
const repoRoot = path.resolve(moduleDir, "..");
const require = createRequire(path.join(repoRoot, "package.json"));
const solc = require("solc");

// Pinned compiler settings: every node of the consortium (anvil locally, Besu QBFT in deploy/besu)
// must support this EVM version; deploy/besu's genesis milestones are checked against it.
export const EVM_VERSION = "cancun";
const OPTIMIZER = { enabled: true, runs: 200 };

const outDir = path.resolve(process.argv[2] ?? path.join(moduleDir, "target", "contracts"));
const solDir = path.join(moduleDir, "src", "main", "solidity");
const zkDir = path.join(repoRoot, "zk-circuits", "src", "main", "resources", "io", "sensorproof", "zk", "circuits");

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".sol") ? [path.join(dir, e.name)] : []);
}

const own = walk(solDir).sort();
const sources = {};
for (const file of own) {
  sources[path.relative(solDir, file).split(path.sep).join("/")] = { content: fs.readFileSync(file, "utf8") };
}

function findImports(importPath) {
  let file;
  if (importPath.startsWith("@openzeppelin/")) {
    file = path.join(repoRoot, "node_modules", importPath);
  } else if (importPath.startsWith("zk/")) {
    const [, circuit, name] = importPath.split("/");
    file = path.join(zkDir, circuit, name);
  } else {
    file = path.join(solDir, importPath);
  }
  if (!fs.existsSync(file)) return { error: `not found: ${importPath} (looked at ${file})` };
  return { contents: fs.readFileSync(file, "utf8") };
}

const input = {
  language: "Solidity",
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: OPTIMIZER,
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  },
};

const started = Date.now();
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const e of output.errors ?? []) {
  if (e.severity === "error") failed = true;
  // ZoKrates' exported verifiers carry no SPDX line; they are generated and committed as exported
  else if (e.errorCode === "1878" && e.sourceLocation?.file?.startsWith("zk/")) continue;
  console.error(e.formattedMessage ?? e.message);
}
if (failed) {
  console.error("solc: compilation failed");
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
const contracts = {};
for (const source of Object.keys(sources)) {
  for (const [name, c] of Object.entries(output.contracts[source] ?? {})) {
    if (contracts[name]) {
      console.error(`two contracts named ${name} (${contracts[name].source}, ${source}): web3j wrappers need unique names`);
      process.exit(1);
    }
    const bin = c.evm.bytecode.object;
    contracts[name] = { abi: c.abi, bin, source };
    if (bin.length === 0) continue; // interfaces and abstract contracts: no wrapper, ABI kept for errors
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bin);
  }
}
const combined = JSON.stringify({ solc: solc.version(), evmVersion: EVM_VERSION, optimizer: OPTIMIZER, contracts }, null, 1);
fs.writeFileSync(path.join(outDir, "contracts.json"), combined);
if (process.argv[3]) { // the copy on the classpath (RevertDecoder, deployer)
  fs.mkdirSync(path.dirname(process.argv[3]), { recursive: true });
  fs.writeFileSync(process.argv[3], combined);
}
console.log(`solc ${solc.version()} (evm ${EVM_VERSION}): ${Object.keys(contracts).length} contracts from `
  + `${own.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${outDir}`);
