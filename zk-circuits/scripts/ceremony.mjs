// The consortium's key ceremony (ADR 044, replacing ADR 013's single-party setup): phase 1 powers
// of tau and a per-circuit phase 2, each made of contributions with the members' own randomness
// and closed by a public beacon, then verified and swapped in. Every step is snarkjs 0.7.6
// (pinned); the files live in one ceremony directory DIR that members pass on to each other.
//
//   node ceremony.mjs phase1-new DIR [--power 15]            DIR/phase1/0000.ptau (snarkjs powersoftau new)
//   node ceremony.mjs phase1-import DIR FILE.ptau            or take a public prepared ptau (e.g. a
//                                                            perpetual powers of tau): verified, becomes final
//   node ceremony.mjs phase1-contribute DIR --name WHO [--entropy TEXT]
//   node ceremony.mjs phase1-beacon DIR --beacon HEX [--iterations 10]
//                                                            beacon, prepare phase 2 (slow: about 40 min at
//                                                            2^16 on 2 cores), verify -> DIR/phase1/final.ptau
//   node ceremony.mjs phase2-new DIR [--circuit NAME=FILE.zok]...
//                                                            compiles the circuits (default: the claim circuits)
//                                                            and writes DIR/phase2/NAME/0000.zkey
//   node ceremony.mjs phase2-contribute DIR --name WHO [--entropy TEXT]
//   node ceremony.mjs phase2-beacon DIR --beacon HEX [--iterations 10]   -> DIR/phase2/NAME/final.zkey
//   node ceremony.mjs verify DIR [--sample NAME=ARGS.json]...
//                                                            powersoftau verify + zkey verify of every circuit;
//                                                            --sample proves ARGS with the final zkey and writes
//                                                            DIR/phase2/NAME/{verification.key,proof.json}
//   node ceremony.mjs install DIR                             build-circuits.mjs --zkey NAME=final.zkey: writes
//                                                            the committed keys, Solidity verifiers, fixture proofs
//
// Without --entropy a contribution takes 64 bytes from the operating system's CSPRNG (snarkjs mixes
// in its own randomness either way). The beacon is a public value fixed in advance (for example a
// future block hash) so that no participant controls the last contribution. Keep DIR: the final
// .zkey files cannot be rebuilt, and auditors re-run `verify` on it.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { initialize } from "zokrates-js";
import { memFile, moduleDir, ok, zokratesVk } from "./keys.mjs";
import { fromSnarkjsProof } from "./snarkjs-format.mjs";

const CLAIM_CIRCUITS = ["excursion", "emissions"];
const logger = {
  debug: () => {},
  info: (m) => console.log(m),
  warn: (m) => console.log("warning: " + m),
  error: (m) => console.error("error: " + m),
};

const [command, dirArg, ...rest] = process.argv.slice(2);
if (!command || !dirArg) {
  console.error("usage: node ceremony.mjs COMMAND DIR [options] (see the header of this script)");
  process.exit(2);
}
const dir = resolve(dirArg);
const options = { circuit: [], sample: [] };
const positional = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i].startsWith("--")) {
    const key = rest[i].slice(2);
    const value = rest[++i];
    if (value === undefined) throw new Error(`${rest[i - 1]} needs a value`);
    if (Array.isArray(options[key])) options[key].push(value);
    else options[key] = value;
  } else positional.push(rest[i]);
}

const phase1Dir = join(dir, "phase1");
const phase2Dir = join(dir, "phase2");
const numbered = (folder, ext) => existsSync(folder)
  ? readdirSync(folder).filter((f) => /^\d{4}\./.test(f) && f.endsWith(ext)).sort() : [];
const next = (folder, ext) => {
  const files = numbered(folder, ext);
  if (files.length === 0) throw new Error(`nothing in ${folder}: run the -new step first`);
  const last = files[files.length - 1];
  return { last: join(folder, last), next: join(folder, String(Number(last.slice(0, 4)) + 1).padStart(4, "0") + ext) };
};
const entropy = () => options.entropy || randomBytes(64).toString("hex");
const circuitsOf = () => readdirSync(phase2Dir).filter((n) => existsSync(join(phase2Dir, n, "circuit.r1cs"))).sort();
const finalPtau = join(phase1Dir, "final.ptau");

async function verifyAll() {
  if (!await snarkjs.powersOfTau.verify(finalPtau, logger)) throw new Error("phase 1: powersoftau verify failed");
  for (const name of circuitsOf()) {
    const zkey = join(phase2Dir, name, "final.zkey");
    if (!await snarkjs.zKey.verifyFromR1cs(join(phase2Dir, name, "circuit.r1cs"), finalPtau, zkey, logger)) {
      throw new Error(`phase 2: zkey verify failed for ${name}`);
    }
    console.log(`${name}: final.zkey verified against the circuit and phase 1`);
  }
}

switch (command) {
  case "phase1-new": {
    mkdirSync(phase1Dir, { recursive: true });
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    ok(await snarkjs.powersOfTau.newAccumulator(curve, Number(options.power || 15), join(phase1Dir, "0000.ptau"), logger), 'newAccumulator');
    break;
  }
  case "phase1-import": {
    mkdirSync(phase1Dir, { recursive: true });
    if (!positional[0]) throw new Error("phase1-import needs FILE.ptau");
    if (!await snarkjs.powersOfTau.verify(resolve(positional[0]), logger)) throw new Error("the imported ptau does not verify");
    copyFileSync(resolve(positional[0]), finalPtau);
    break;
  }
  case "phase1-contribute": {
    if (!options.name) throw new Error("--name is required");
    const { last, next: out } = next(phase1Dir, ".ptau");
    ok(await snarkjs.powersOfTau.contribute(last, out, options.name, entropy(), logger), 'contribute');
    console.log(`contribution written to ${out}`);
    break;
  }
  case "phase1-beacon": {
    if (!options.beacon) throw new Error("--beacon HEX is required");
    const { last, next: out } = next(phase1Dir, ".ptau");
    ok(await snarkjs.powersOfTau.beacon(last, out, "final beacon", options.beacon, Number(options.iterations || 10), logger), 'beacon');
    console.log("preparing phase 2 (Lagrange sections; slow at large powers)");
    ok(await snarkjs.powersOfTau.preparePhase2(out, finalPtau, logger), 'preparePhase2');
    if (!await snarkjs.powersOfTau.verify(finalPtau, logger)) throw new Error("phase 1: powersoftau verify failed");
    break;
  }
  case "phase2-new": {
    if (!existsSync(finalPtau)) throw new Error(`no ${finalPtau}: finish phase 1 first`);
    const circuits = options.circuit.length > 0
      ? options.circuit.map((c) => { const [name, file] = c.split("="); return { name, file: resolve(file) }; })
      : CLAIM_CIRCUITS.map((name) => ({ name, file: join(moduleDir, "circuits", `${name}.zok`) }));
    const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
    for (const { name, file } of circuits) {
      const out = join(phase2Dir, name);
      mkdirSync(out, { recursive: true });
      const resolveImport = (from, path) => {
        const f = resolve(dirname(from), path.endsWith(".zok") ? path : path + ".zok");
        return existsSync(f) ? { source: readFileSync(f, "utf8"), location: f } : null;
      };
      const artifacts = provider.compile(readFileSync(file, "utf8"), { location: file, resolveCallback: resolveImport, snarkjs: true });
      writeFileSync(join(out, "circuit.r1cs"), artifacts.snarkjs.program);
      writeFileSync(join(out, "program.bin"), artifacts.program);
      writeFileSync(join(out, "abi.json"), JSON.stringify(artifacts.abi));
      ok(await snarkjs.zKey.newZKey(join(out, "circuit.r1cs"), finalPtau, join(out, "0000.zkey"), logger), 'newZKey');
      console.log(`${name}: ${artifacts.constraintCount} constraints, ${join(out, "0000.zkey")}`);
    }
    break;
  }
  case "phase2-contribute": {
    if (!options.name) throw new Error("--name is required");
    for (const name of circuitsOf()) {
      const { last, next: out } = next(join(phase2Dir, name), ".zkey");
      ok(await snarkjs.zKey.contribute(last, out, options.name, entropy(), logger), 'contribute');
      console.log(`${name}: contribution written to ${out}`);
    }
    break;
  }
  case "phase2-beacon": {
    if (!options.beacon) throw new Error("--beacon HEX is required");
    for (const name of circuitsOf()) {
      const { last } = next(join(phase2Dir, name), ".zkey");
      ok(await snarkjs.zKey.beacon(last, join(phase2Dir, name, "final.zkey"), "final beacon", options.beacon,
        Number(options.iterations || 10), logger), 'beacon');
    }
    await verifyAll();
    break;
  }
  case "verify": {
    await verifyAll();
    const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
    for (const sample of options.sample) {
      const [name, argsFile] = sample.split("=");
      const out = join(phase2Dir, name);
      const zkey = join(out, "final.zkey");
      const vk = await zokratesVk(zkey);
      const computed = provider.computeWitness({ program: new Uint8Array(readFileSync(join(out, "program.bin"))),
        abi: JSON.parse(readFileSync(join(out, "abi.json"), "utf8")) }, JSON.parse(readFileSync(argsFile, "utf8")),
      { snarkjs: true, logCallback: () => {} });
      const result = await snarkjs.groth16.prove(memFile(readFileSync(zkey)), memFile(computed.snarkjs.witness));
      const proof = fromSnarkjsProof(result.proof, result.publicSignals);
      if (!provider.verify(vk, proof)) throw new Error(`${name}: zokrates-js rejects the sample proof`);
      writeFileSync(join(out, "verification.key"), JSON.stringify(vk, null, 2) + "\n");
      writeFileSync(join(out, "proof.json"), JSON.stringify(proof, null, 2) + "\n");
      console.log(`${name}: sample proof verifies (${join(out, "proof.json")})`);
    }
    break;
  }
  case "install": {
    const args = [join(moduleDir, "scripts", "build-circuits.mjs")];
    for (const name of circuitsOf()) {
      if (!CLAIM_CIRCUITS.includes(name)) continue;
      args.push("--zkey", `${name}=${join(phase2Dir, name, "final.zkey")}`);
    }
    if (args.length === 1) throw new Error("no claim circuit in this ceremony");
    execFileSync(process.execPath, args, { stdio: "inherit" });
    break;
  }
  default:
    console.error(`unknown command ${command}`);
    process.exit(2);
}
process.exit(0);
