// Extracts the Poseidon round constants and MDS matrices that ZoKrates' stdlib uses
// (hashes/poseidon/constants.zok, circomlib's parameters) from the pinned zokrates-js package,
// where the stdlib sources are embedded in the compressed WebAssembly module, and writes them as
// JSON for the Java implementation: {"source", "C": [t=2..7][t*(8+P) hex], "M": [t=2..7][t][t] hex}.
//
// Usage: node poseidon-constants.mjs OUTPUT.json
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pako from "pako";
import { zokratesJsVersion as version, zokratesPackageDir as packageDir } from "./zokrates-package.mjs";

const js = readFileSync(join(packageDir, "wasm.js"), "utf8");
const marker = "const encoded = '";
const start = js.lastIndexOf(marker) + marker.length;
const wasm = Buffer.from(pako.inflate(Buffer.from(js.slice(start, js.indexOf("'", start)), "base64")));

// The stdlib is one JSON object {path: source} inside the module's data.
const begin = wasm.indexOf(Buffer.from('{"snark/'));
const text = wasm.toString("latin1", begin, begin + 4_000_000);
let stdlib;
for (let i = text.indexOf('"}'); i >= 0 && !stdlib; i = text.indexOf('"}', i + 1)) {
  try {
    stdlib = JSON.parse(Buffer.from(text.slice(0, i + 2), "latin1").toString("utf8"));
  } catch {
    // not the end of the object yet
  }
}
const constants = stdlib["hashes/poseidon/constants.zok"];
const poseidon = stdlib["hashes/poseidon/poseidon.zok"];
if (!constants || !poseidon) throw new Error("Poseidon sources not found in the zokrates-js stdlib");

const array = (name) => {
  const from = constants.indexOf("[", constants.indexOf(name + " ="));
  const next = constants.indexOf("const ", from);
  const end = constants.lastIndexOf("]", next < 0 ? constants.length : next);
  const zeros = (n) => Array(Number(n)).fill("0").join(", ");
  const expanded = constants
    .slice(from, end + 1)
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\[0; (\d+)\]/g, (_, n) => `[${zeros(n)}]`) // [0; n]
    .replace(/\[(\[[0, ]*\]); (\d+)\]/g, (_, row, n) => `[${Array(Number(n)).fill(row).join(", ")}]`) // [[0; 7]; n]
    .replace(/\.\.\.\[((?:[^\[\]]|\[[^\[\]]*\])*)\]/g, "$1") // ...[a, b] spreads
    .replace(/(\d+)/g, '"$1"')
    .replace(/,\s*\]/g, "]");
  return JSON.parse(expanded);
};
const hex = (d) => "0x" + BigInt(d).toString(16);
const roundsP = [56, 57, 56, 60, 60, 63, 64, 63];
const C = array("POSEIDON_C").map((row, k) => row.slice(0, (k + 2) * (8 + roundsP[k])).map(hex));
const M = array("POSEIDON_M").map((m, k) => m.slice(0, k + 2).map((r) => r.slice(0, k + 2).map(hex)));
writeFileSync(process.argv[2], JSON.stringify({
  source: `zokrates-js ${version} stdlib hashes/poseidon/constants.zok (circomlib parameters), extracted by zk-circuits/scripts/poseidon-constants.mjs`,
  fullRounds: 8,
  partialRounds: roundsP.slice(0, 6),
  C,
  M,
}) + "\n");
console.log(`t = 2..7: ${C.map((c) => c.length).join(", ")} round constants`);
