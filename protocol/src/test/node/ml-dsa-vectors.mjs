// Known-answer vectors of ML-DSA reading messages, produced by an implementation independent of
// the Java code: @noble/post-quantum (ML-DSA, FIPS 204) and a hand-written CBOR encoder below.
// Usage: node protocol/src/test/node/ml-dsa-vectors.mjs protocol/src/test/resources/vectors
//
// For ML-DSA-44 and ML-DSA-65 and for the 1- and 3-record readings of the ES256 vectors
// (message-es256-{1,3}.json, whose SenML payload is reused as is), it derives the key from a fixed
// seed (SHA-256 of "sensorproof ML-DSA-xx vector key"), builds the canonical SPKI (RFC 9881:
// id-ml-dsa-xx, no parameters), the kid (first 16 bytes of SHA-256 over the SPKI), the seed-only
// PKCS#8 (RFC 9881, [0] seed), the protected header {1: alg, 3: 112, 4: kid, -65537: boot,
// -65538: seq, -65539: device time}, the Sig_structure, and signs it with pure ML-DSA, empty
// context, deterministic variant (extraEntropy: false); then writes message-ml-dsa-xx-{1,3}.json.
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node ml-dsa-vectors.mjs <vectors dir>');
  process.exit(2);
}
const hex = (b) => Buffer.from(b).toString('hex');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

// Minimal deterministic CBOR (RFC 8949): shortest heads, definite lengths.
function head(major, n) {
  const v = BigInt(n);
  const m = major << 5;
  if (v < 24n) return Buffer.from([m | Number(v)]);
  if (v < 0x100n) return Buffer.from([m | 24, Number(v)]);
  if (v < 0x10000n) { const b = Buffer.alloc(3); b[0] = m | 25; b.writeUInt16BE(Number(v), 1); return b; }
  if (v < 0x100000000n) { const b = Buffer.alloc(5); b[0] = m | 26; b.writeUInt32BE(Number(v), 1); return b; }
  const b = Buffer.alloc(9); b[0] = m | 27; b.writeBigUInt64BE(v, 1); return b;
}
const int = (n) => (BigInt(n) >= 0n ? head(0, n) : head(1, -1n - BigInt(n)));
const bstr = (b) => Buffer.concat([head(2, b.length), Buffer.from(b)]);
const tstr = (s) => Buffer.concat([head(3, Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);
const map = (pairs) => Buffer.concat([head(5, pairs.length), ...pairs.flat()]);
const array = (items) => Buffer.concat([head(4, items.length), ...items]);

const ALGS = [
  { label: 'ML-DSA-44', impl: ml_dsa44, coseId: -48, oidLast: 0x11 },
  { label: 'ML-DSA-65', impl: ml_dsa65, coseId: -49, oidLast: 0x12 },
];

function der(tag, content) {
  const len = content.length;
  const lenBytes = len < 0x80 ? Buffer.from([len]) : len < 0x100 ? Buffer.from([0x81, len]) : Buffer.from([0x82, len >> 8, len & 0xff]);
  return Buffer.concat([Buffer.from([tag]), lenBytes, content]);
}

for (const alg of ALGS) {
  const oid = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, alg.oidLast]); // 2.16.840.1.101.3.4.3.17/.18
  const algorithmIdentifier = der(0x30, oid);
  const seed = sha256(Buffer.from(`sensorproof ${alg.label} vector key`, 'utf8'));
  const { publicKey, secretKey } = alg.impl.keygen(seed);
  const spki = der(0x30, Buffer.concat([algorithmIdentifier, der(0x03, Buffer.concat([Buffer.from([0]), publicKey]))]));
  const kid = sha256(spki).subarray(0, 16);
  const pkcs8 = der(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x00]), algorithmIdentifier, der(0x04, der(0x80, seed))]));
  for (const variant of ['1', '3']) {
    const classical = JSON.parse(fs.readFileSync(path.join(dir, `message-es256-${variant}.json`), 'utf8'));
    const es256 = Buffer.from(classical.message, 'hex');
    // The ES256 message is 18([bstr protected, {}, bstr payload, bstr sig]); take its payload.
    const payload = readPayload(es256);
    const protectedBytes = map([
      [int(1), int(alg.coseId)],
      [int(3), int(112)],
      [int(4), bstr(kid)],
      [int(-65537), int(classical.boot)],
      [int(-65538), int(classical.seq)],
      [int(-65539), int(classical.deviceTimeMillis)],
    ]);
    const toBeSigned = array([tstr('Signature1'), bstr(protectedBytes), bstr(Buffer.alloc(0)), bstr(payload)]);
    const signature = alg.impl.sign(toBeSigned, secretKey, { extraEntropy: false });
    if (!alg.impl.verify(signature, toBeSigned, publicKey)) throw new Error('noble does not verify its own signature');
    const message = Buffer.concat([head(6, 18), array([bstr(protectedBytes), map([]), bstr(payload), bstr(signature)])]);
    const vector = {
      description: `${alg.label} reading message with ${classical.readings.length} record(s), made by @noble/post-quantum 0.7.1 `
        + `(protocol/src/test/node/ml-dsa-vectors.mjs): key from the seed in pkcs8, deterministic signature (FIPS 204 section 3.4); `
        + `Signatures.sign is hedged, so re-signing reproduces the Sig_structure, and MlDsaVectorsTest reproduces the deterministic signature`,
      alg: alg.label,
      deterministic: false,
      pkcs8: hex(pkcs8),
      spki: hex(spki),
      kid: hex(kid),
      deviceId: classical.deviceId,
      readings: classical.readings,
      boot: classical.boot,
      seq: classical.seq,
      deviceTimeMillis: classical.deviceTimeMillis,
      toBeSigned: hex(toBeSigned),
      message: hex(message),
    };
    const file = path.join(dir, `message-${alg.label.toLowerCase()}-${variant}.json`);
    fs.writeFileSync(file, JSON.stringify(vector, null, 2) + '\n');
    console.log(`wrote ${file} (${message.length} bytes)`);
  }
}

function readPayload(bytes) {
  // Walks the fixed shape d2 84 <bstr> a0 <bstr payload> <bstr sig>.
  let at = 0;
  const expect = (b) => { if (bytes[at] !== b) throw new Error(`unexpected byte ${bytes[at]} at ${at}`); at += 1; };
  const readBstr = () => {
    const ib = bytes[at]; at += 1;
    if (ib >> 5 !== 2) throw new Error('expected a byte string');
    let len = ib & 31;
    if (len === 24) { len = bytes[at]; at += 1; } else if (len === 25) { len = bytes.readUInt16BE(at); at += 2; } else if (len > 25) throw new Error('too long');
    const out = bytes.subarray(at, at + len); at += len; return out;
  };
  expect(0xd2); expect(0x84); readBstr(); expect(0xa0);
  return readBstr();
}
