// Produces vectors/decimal-rounding.csv: binary64 values rounded half-even to a number of decimal
// places, where the value is read as its shortest round-trip decimal (Number.prototype.toString).
// The rounding is done on the decimal string with BigInt arithmetic, independently of the Java code.
// Usage: node protocol/src/test/node/decimal-rounding-vectors.mjs > protocol/src/test/resources/vectors/decimal-rounding.csv
let seed = 20261126n;
function rand() { // xorshift64*, deterministic
  seed ^= seed >> 12n; seed ^= (seed << 25n) & 0xffffffffffffffffn; seed ^= seed >> 27n;
  return Number(((seed * 2685821657736338717n) & 0xffffffffffffffffn) >> 11n) / 2 ** 53;
}
function bitsHex(v) {
  const b = Buffer.alloc(8); b.writeDoubleBE(v); return b.toString('hex');
}
function roundHalfEven(v, scale) {
  let s = String(v);
  if (s.includes('e')) return null;
  let neg = s.startsWith('-'); if (neg) s = s.slice(1);
  let [ip, fp = ''] = s.split('.');
  const kept = BigInt(ip + fp.padEnd(scale, '0').slice(0, scale));
  const rest = fp.slice(scale);
  let up = false;
  if (rest.length > 0) {
    const first = rest[0], tail = rest.slice(1).replace(/0+$/, '');
    if (first > '5' || (first === '5' && tail.length > 0)) up = true;
    else if (first === '5' && tail.length === 0) up = (kept % 2n) === 1n;
  }
  let r = up ? kept + 1n : kept;
  if (neg && r !== 0n) r = -r;
  return r;
}
const out = ['# bits(hex of IEEE 754 binary64),scale,rounded units; produced by decimal-rounding-vectors.mjs with Node ' + process.version];
function add(v, scale) {
  const r = roundHalfEven(v, scale);
  if (r !== null) out.push(`${bitsHex(v)},${scale},${r}`);
}
for (let i = 0; i < 600; i++) {            // ties at the third decimal: x.xx5 (temperature, humidity)
  const k = Math.floor(rand() * 2000000) - 300000;
  add((k * 10 + 5) / 1000, 2);
}
for (let i = 0; i < 400; i++) {            // ties at the fourth decimal: x.xxx5 (kg -> g)
  const k = Math.floor(rand() * 40000000);
  add((k * 10 + 5) / 10000, 3);
}
for (let i = 0; i < 400; i++) {            // arbitrary values
  add((rand() - 0.3) * 1300, 2);
  add(rand() * 5000000, 3);
}
for (let i = 0; i < 400; i++) {            // times in seconds with sub-millisecond parts, to ms
  const t = 1.7e9 + Math.floor(rand() * 3e8) + Math.floor(rand() * 100000) / 100000;
  add(t, 3);
  add(1.7e9 + Math.floor(rand() * 3e8) + (Math.floor(rand() * 1000) * 10 + 5) / 10000, 3);
}
console.log(out.join('\n'));
