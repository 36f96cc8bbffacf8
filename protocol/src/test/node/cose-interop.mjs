// Interop check of COSE_Sign1 between the Java protocol module and independent Node libraries:
// cose-kit (ES256, EdDSA), cose-js (ES256), and for ML-DSA-44/65 @noble/post-quantum with cbor-x
// (neither COSE library knows ML-DSA, so the COSE_Sign1 layer of RFC 9052 is done here with cbor-x).
// Usage: node cose-interop.mjs <dir>
//   reads  <dir>/java-signed.json  [{id, alg, jwk | publicKeyHex (ML-DSA), messageHex, payloadHex}]
//   writes <dir>/node-verified.json [{id, library, tampered, isValid, payloadHex}]
//          <dir>/node-signed.json   [{id, library, alg, spkiHex, messageHex, payloadHex}]
import { coseSign, coseVerify } from 'cose-kit';
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { Encoder, Tag } from 'cbor-x';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const coseJs = require('cose-js');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node cose-interop.mjs <dir>');
  process.exit(2);
}
const input = JSON.parse(fs.readFileSync(path.join(dir, 'java-signed.json'), 'utf8'));
const hex = (b) => Buffer.from(b).toString('hex');

function tamper(bytes) {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1] ^= 0x01; // last byte of the signature
  return copy;
}

async function verifyWithCoseKit(bytes, jwk) {
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const result = await coseVerify(bytes, key);
  return { isValid: result.isValid, payloadHex: result.isValid ? hex(result.decoded.payload) : null };
}

async function verifyWithCoseJs(bytes, jwk) {
  try {
    const payload = await coseJs.sign.verify(bytes, {
      key: { x: Buffer.from(jwk.x, 'base64url'), y: Buffer.from(jwk.y, 'base64url') },
    });
    return { isValid: true, payloadHex: hex(payload) };
  } catch (e) {
    return { isValid: false, payloadHex: null, error: String(e.message || e) };
  }
}

const ML_DSA = {
  'ML-DSA-44': { impl: ml_dsa44, coseId: -48, spkiPrefix: '30820532300b0609608648016503040311038205210' + '0' },
  'ML-DSA-65': { impl: ml_dsa65, coseId: -49, spkiPrefix: '308207b2300b0609608648016503040312038207a10' + '0' },
};
const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
const sigStructure = (protectedBytes, payload) => cbor.encode(['Signature1', protectedBytes, new Uint8Array(0), payload]);

// Decodes a tagged COSE_Sign1, checks its alg, and verifies pure ML-DSA (empty context) over the Sig_structure.
function verifyWithNoble(bytes, alg, publicKeyHex) {
  try {
    // cose-kit registers its own cbor-x extension for tag 18, so read the one-byte tag head (0xd2) here
    // and decode the array after it.
    const item = bytes[0] === 0xd2 ? cbor.decode(bytes.subarray(1)) : null;
    if (!Array.isArray(item) || item.length !== 4) return { isValid: false, payloadHex: null, error: 'not COSE_Sign1' };
    const [protectedBytes, , payload, signature] = item;
    const header = cbor.decode(protectedBytes);
    if (header.get(1) !== ML_DSA[alg].coseId) return { isValid: false, payloadHex: null, error: `alg ${header.get(1)}` };
    const ok = ML_DSA[alg].impl.verify(signature, sigStructure(protectedBytes, payload), Buffer.from(publicKeyHex, 'hex'));
    return { isValid: ok, payloadHex: ok ? hex(payload) : null };
  } catch (e) {
    return { isValid: false, payloadHex: null, error: String(e.message || e) };
  }
}

const verified = [];
for (const m of input) {
  const bytes = Buffer.from(m.messageHex, 'hex');
  for (const tampered of [false, true]) {
    const candidate = tampered ? tamper(bytes) : bytes;
    if (ML_DSA[m.alg]) {
      verified.push({ id: m.id, library: '@noble/post-quantum', tampered, ...verifyWithNoble(candidate, m.alg, m.publicKeyHex) });
      continue;
    }
    verified.push({ id: m.id, library: 'cose-kit', tampered, ...(await verifyWithCoseKit(candidate, m.jwk)) });
    if (m.alg === 'ES256') {
      verified.push({ id: m.id, library: 'cose-js', tampered, ...(await verifyWithCoseJs(candidate, m.jwk)) });
    }
  }
}
fs.writeFileSync(path.join(dir, 'node-verified.json'), JSON.stringify(verified, null, 2));

const signed = [];
const payload = Buffer.from('a2006b696e7465726f702d6e6f6465011903e8', 'hex'); // CBOR {0: "interop-node", 1: 1000}
for (const alg of ['ES256', 'EdDSA']) {
  const { privateKey, publicKey } = alg === 'ES256'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('ed25519');
  const spkiHex = hex(publicKey.export({ type: 'spki', format: 'der' }));
  const kitMessage = await coseSign({ alg }, { kid: 'node-kit' }, payload, privateKey);
  signed.push({ id: `cose-kit-${alg}`, library: 'cose-kit', alg, spkiHex, messageHex: hex(kitMessage), payloadHex: hex(payload) });
  if (alg === 'ES256') {
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url');
    const jsMessage = await coseJs.sign.create({ p: { alg: 'ES256' }, u: { kid: 'node-js' } }, payload, { key: { d } });
    signed.push({ id: 'cose-js-ES256', library: 'cose-js', alg, spkiHex, messageHex: hex(jsMessage), payloadHex: hex(payload) });
  }
}
for (const [alg, { impl, coseId, spkiPrefix }] of Object.entries(ML_DSA)) {
  const { publicKey, secretKey } = impl.keygen(crypto.randomBytes(32));
  const protectedBytes = cbor.encode(new Map([[1, coseId]]));
  const signature = impl.sign(sigStructure(protectedBytes, payload), secretKey); // hedged, empty context
  const message = cbor.encode(new Tag([protectedBytes, new Map([[4, Buffer.from('node-noble')]]), payload, signature], 18));
  signed.push({ id: `noble-${alg}`, library: '@noble/post-quantum', alg, spkiHex: spkiPrefix + hex(publicKey), messageHex: hex(message), payloadHex: hex(payload) });
}
fs.writeFileSync(path.join(dir, 'node-signed.json'), JSON.stringify(signed, null, 2));
console.log(`verified ${verified.length} Java messages, signed ${signed.length} Node messages`);
