// Key material for the claim circuits through the ceremony-compatible route (ADR 044):
// phase 1 = a snarkjs .ptau prepared for phase 2, phase 2 = a snarkjs .zkey per circuit; the
// ZoKrates-format verification key (Java verifier, VerifierGenerator, Solidity export) comes from
// the .zkey. Shared by build-circuits.mjs, prover-worker.mjs and ceremony.mjs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { fromSnarkjsVk } from "./snarkjs-format.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const moduleDir = join(here, "..");

/** Phase 1 of the development keys: 2^15 points (the emissions claim needs a 2^15 domain). */
export const DEV_PTAU_POWER = 15;
/** The public seed of the development τ, α, β (PowersOfTau.Secrets.fromSeed). */
export const DEV_PTAU_SEED = "sensorproof-dev-ptau-v1";
/** Phase 2 of the development keys: a snarkjs beacon per circuit, 2^10 SHA-256 iterations. */
export const DEV_BEACON_ITERATIONS_EXP = 10;
export const devBeaconHash = (name) => createHash("sha256").update(`sensorproof-dev-phase2-${name}`).digest("hex");

export const snarkjsVersion = JSON.parse(readFileSync(join(moduleDir, "..", "node_modules", "snarkjs", "package.json"), "utf8")).version;

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
export const sha256File = (file) => sha256(readFileSync(file));

/** SHA-256 of the Java sources that derive the development powers of tau, the seed and the power. */
export function devPtauKey() {
  const hash = createHash("sha256");
  const dir = join(moduleDir, "src", "main", "java", "io", "sensorproof", "zk", "setup");
  for (const file of readdirSync(dir).sort()) hash.update("\0" + file + "\0").update(readFileSync(join(dir, file)));
  return hash.update(`\0seed:${DEV_PTAU_SEED}\0power:${DEV_PTAU_POWER}`).digest("hex");
}

/**
 * The classpath of the Java setup commands: zk-circuits/target/classes (or $SENSORPROOF_ZK_CLASSES)
 * and the runtime libraries listed in setup-classpath.txt next to it (BouncyCastle for the circuit
 * hash), both written by `mvn -B -o -pl zk-circuits -am compile`.
 */
export function setupClasspath() {
  const classes = process.env.SENSORPROOF_ZK_CLASSES || join(moduleDir, "target", "classes");
  const libraries = join(dirname(classes), "setup-classpath.txt");
  if (!existsSync(join(classes, "io", "sensorproof", "zk", "setup", "DevZkeyCommand.class")) || !existsSync(libraries)) {
    throw new Error(`no compiled setup commands in ${classes} (or no ${libraries}): run \`mvn -B -o -pl zk-circuits -am compile\` first`);
  }
  return [classes, readFileSync(libraries, "utf8").trim()].filter((p) => p).join(delimiter);
}

/**
 * The development powers of tau, prepared for phase 2, written by the Java PowersOfTauCommand
 * into cache/ptau unless already there.
 */
export function devPtau(cache, log = console.log) {
  const dir = join(cache, "ptau");
  const file = join(dir, `sensorproof-dev-${DEV_PTAU_POWER}.ptau`);
  const keyFile = file + ".key";
  const key = devPtauKey();
  if (existsSync(file) && existsSync(keyFile) && readFileSync(keyFile, "utf8").trim() === key) return { file, key, ms: 0 };
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const result = spawnSync("java", ["-cp", setupClasspath(), "io.sensorproof.zk.setup.PowersOfTauCommand",
    "--power", String(DEV_PTAU_POWER), "--seed", DEV_PTAU_SEED, "--out", file], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`PowersOfTauCommand failed (${result.status}): ${result.stderr}${result.stdout}`);
  writeFileSync(keyFile, key + "\n");
  const ms = Date.now() - started;
  log(`powers of tau 2^${DEV_PTAU_POWER} (Java): ${ms} ms ${result.stdout.trim()}`);
  return { file, key, ms };
}

/** Logs snarkjs' errors (it reports many failures by logging and returning false or -1). */
export const logger = {
  debug: () => {},
  info: () => {},
  warn: (m) => console.error("snarkjs warning: " + m),
  error: (m) => console.error("snarkjs error: " + m),
};
/** Throws unless a snarkjs call succeeded (it returns false or -1 instead of throwing). */
export function ok(result, what) {
  if (result === false || result === -1) throw new Error(`${what} failed (see the snarkjs error above)`);
  return result;
}

/**
 * How the development phase 2 starts: "java" (default) computes the initial .zkey from the public
 * secrets with io.sensorproof.zk.setup.DevZkeyCommand, byte for byte what snarkjs `zkey new` writes
 * for the same .r1cs and .ptau (DevZkeyIT), in a fraction of the time; "snarkjs"
 * ($SENSORPROOF_ZK_ZKEY_NEW=snarkjs) runs `zkey new` itself. The ceremony route (ceremony.mjs)
 * always uses snarkjs: there τ is unknown.
 */
export const DEV_ZKEY_NEW = process.env.SENSORPROOF_ZK_ZKEY_NEW || "java";
if (!["java", "snarkjs"].includes(DEV_ZKEY_NEW)) throw new Error(`SENSORPROOF_ZK_ZKEY_NEW must be java or snarkjs, not ${DEV_ZKEY_NEW}`);

/** The initial .zkey of the development keys by the Java DevZkeyCommand; returns its JSON line. */
export function devZkeyNew(r1csFile, ptauFile, zkeyFile) {
  // -Xmx1g: left uncapped the JVM grows to ~2 GB RSS on the emissions claim (allocation churn, not live
  // data); capped at 768 MB it measured 8% more CPU time and 0.7 GB (zk-circuits/README "Key build times")
  const result = spawnSync("java", ["-Xmx1g", "-cp", setupClasspath(), "io.sensorproof.zk.setup.DevZkeyCommand",
    "--r1cs", r1csFile, "--ptau", ptauFile, "--seed", DEV_PTAU_SEED, "--out", zkeyFile], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`DevZkeyCommand failed (${result.status}): ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout.trim());
}

/** zkey new (DEV_ZKEY_NEW) + snarkjs zkey beacon: the development phase 2 of one circuit. Returns the timings. */
export async function devPhase2(name, r1csFile, ptauFile, zkeyFile) {
  const initial = zkeyFile + ".0000";
  let started = Date.now();
  if (DEV_ZKEY_NEW === "java") {
    devZkeyNew(r1csFile, ptauFile, initial);
  } else {
    ok(await snarkjs.zKey.newZKey(r1csFile, ptauFile, initial, logger), `zkey new ${name}`);
  }
  const zkeyNewMs = Date.now() - started;
  started = Date.now();
  ok(await snarkjs.zKey.beacon(initial, zkeyFile + ".partial", `sensorproof development beacon ${name}`,
    devBeaconHash(name), DEV_BEACON_ITERATIONS_EXP, logger), `zkey beacon ${name}`);
  renameSync(zkeyFile + ".partial", zkeyFile);
  return { zkeyNew: DEV_ZKEY_NEW, zkeyNewMs, beaconMs: Date.now() - started };
}

/** The ZoKrates g16/bn128 verification key of a .zkey. */
export async function zokratesVk(zkeyFile) {
  return fromSnarkjsVk(await snarkjs.zKey.exportVerificationKey(zkeyFile));
}

/** In-memory file for snarkjs (fastfile "mem"). */
export const memFile = (data) => ({ type: "mem", data: data instanceof Uint8Array ? data : new Uint8Array(data) });
