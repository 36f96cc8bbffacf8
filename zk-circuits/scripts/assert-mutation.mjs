// Assert-mutation check of the claim circuits: no assertion is decorative.
//
// For each claim circuit named in the cases file, compiles the circuit (at the slot count of the
// cases: the `const u32 N` / `const u32 L` lines are rewritten, so a small N keeps this fast) and
// checks that every honest twin computes a witness and every adversarial witness does not. Then,
// one at a time, it deletes each assertion line from the circuit and from circuits/lib — every
// `assert(...)` and every range check `... = bounded::<W>(...)` (a bit decomposition whose
// re-pack assertion lives in lib/leaf.zok) — recompiles, and requires that at least one
// adversarial witness now computes: the mutant is "killed". A surviving mutant means an assert
// that no adversarial test depends on. Exit 0 when every mutant is killed, 1 otherwise.
//
// Usage: node assert-mutation.mjs CASES.json [REPORT.json]
//   CASES.json: {"circuits": [{"name": "excursion", "slots": 4, "levels": 2,
//                "cases": [{"name": "...", "honest": [args...], "lie": [args...]}]}]}
//   (written by AssertMutationIT from the same ClaimCases that the circuit ITs use)
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { initialize } from "zokrates-js";

const here = dirname(fileURLToPath(import.meta.url));
const circuitsDir = join(here, "..", "circuits");
const [casesFile, reportFile] = process.argv.slice(2);
if (!casesFile) throw new Error("usage: node assert-mutation.mjs CASES.json [REPORT.json]");
const input = JSON.parse(readFileSync(casesFile, "utf8"));
const provider = (await initialize()).withOptions({ backend: "ark", scheme: "g16", curve: "bn128" });
const ASSERTION = /^\s*(assert\(.*\);|bool\[\w+\] \w+ = bounded::<\w+>\(.*\);)\s*$/;

function compile(dir, name) {
  const location = join(dir, `${name}.zok`);
  const resolveImport = (from, path) => {
    const file = resolve(dirname(from), path.endsWith(".zok") ? path : path + ".zok");
    return existsSync(file) ? { source: readFileSync(file, "utf8"), location: file } : null;
  };
  return provider.compile(readFileSync(location, "utf8"), { location, resolveCallback: resolveImport });
}

function computes(artifacts, args) {
  try {
    provider.computeWitness(artifacts, args, { logCallback: () => {} });
    return true;
  } catch (e) {
    return false;
  }
}

/** The circuit's source at the cases' slot count. */
function sized(source, slots, levels) {
  const withN = source.replace(/^const u32 N = \d+;/m, `const u32 N = ${slots};`);
  const withL = withN.replace(/^const u32 L = \d+;/m, `const u32 L = ${levels};`);
  if (!/^const u32 N = /m.test(source) || !/^const u32 L = /m.test(source)) {
    throw new Error("the circuit must declare const u32 N and L");
  }
  return withL;
}

const report = { started: new Date().toISOString(), circuits: [] };
let survivors = 0;
let errors = 0;
const started = Date.now();
for (const circuit of input.circuits) {
  const work = mkdtempSync(join(tmpdir(), `assert-mutation-${circuit.name}-`));
  const files = { [`${circuit.name}.zok`]: sized(readFileSync(join(circuitsDir, `${circuit.name}.zok`), "utf8"),
    circuit.slots, circuit.levels) };
  for (const lib of readdirSync(join(circuitsDir, "lib")).filter((f) => f.endsWith(".zok")).sort()) {
    files[`lib/${lib}`] = readFileSync(join(circuitsDir, "lib", lib), "utf8");
  }
  const write = (overrides = {}) => {
    mkdirSync(join(work, "lib"), { recursive: true });
    for (const [path, content] of Object.entries({ ...files, ...overrides })) writeFileSync(join(work, path), content);
  };
  const entry = { name: circuit.name, slots: circuit.slots, cases: circuit.cases.length, baseline: {}, mutants: [] };
  report.circuits.push(entry);

  write();
  let t = Date.now();
  const baseline = compile(work, circuit.name);
  entry.baseline.constraints = baseline.constraintCount;
  entry.baseline.compileMs = Date.now() - t;
  entry.baseline.honestFailing = circuit.cases.filter((c) => !computes(baseline, c.honest)).map((c) => c.name);
  entry.baseline.liesComputing = circuit.cases.filter((c) => computes(baseline, c.lie)).map((c) => c.name);
  if (entry.baseline.honestFailing.length > 0 || entry.baseline.liesComputing.length > 0) {
    errors++;
    console.log(`${circuit.name}: baseline wrong: honest failing ${JSON.stringify(entry.baseline.honestFailing)}, `
      + `lies computing ${JSON.stringify(entry.baseline.liesComputing)}`);
  }
  console.log(`${circuit.name} (N = ${circuit.slots}): ${baseline.constraintCount} constraints, `
    + `${circuit.cases.length} cases, compiled in ${entry.baseline.compileMs} ms`);

  for (const [path, content] of Object.entries(files)) {
    const lines = content.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!ASSERTION.test(lines[i])) continue;
      const mutant = { file: path, line: i + 1, deleted: lines[i].trim() };
      entry.mutants.push(mutant);
      write({ [path]: [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n") });
      t = Date.now();
      let artifacts;
      try {
        artifacts = compile(work, circuit.name);
      } catch (e) {
        mutant.error = String(e && e.message ? e.message : e).slice(0, 500);
        errors++;
        console.log(`${circuit.name}: ${path}:${i + 1} does not compile without "${mutant.deleted}"`);
        continue;
      }
      mutant.compileMs = Date.now() - t;
      mutant.constraints = artifacts.constraintCount;
      const killer = circuit.cases.find((c) => computes(artifacts, c.lie));
      mutant.killedBy = killer ? killer.name : null;
      if (!killer) survivors++;
      console.log(`${circuit.name}: ${path}:${i + 1} "${mutant.deleted}" -> `
        + (killer ? `killed by "${killer.name}"` : "SURVIVED (no adversarial witness depends on it)"));
    }
  }
  rmSync(work, { recursive: true, force: true });
}
report.seconds = Math.round((Date.now() - started) / 100) / 10;
report.survivors = survivors;
report.errors = errors;
console.log(`${report.circuits.reduce((n, c) => n + c.mutants.length, 0)} mutants, ${survivors} survived, `
  + `${errors} errors, ${report.seconds} s`);
if (reportFile) writeFileSync(reportFile, JSON.stringify(report, null, 2) + "\n");
process.exit(survivors === 0 && errors === 0 ? 0 : 1);
