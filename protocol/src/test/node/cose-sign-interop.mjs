// Interop check of hybrid reading messages (COSE_Sign, CBOR tag 98, RFC 9052 §4.1; protocol.md §2.1,
// ADR 029) between the Java protocol module and an implementation written here on independent
// libraries: @noble/curves (ES256 = ECDSA P-256 with SHA-256, Ed25519), @noble/post-quantum
// (ML-DSA-44/65, pure, empty context) and cbor-x (CBOR). No npm COSE library knows COSE_Sign with
// ML-DSA, so the COSE_Sign layer (structure, Sig_structure "Signature", kid = SHA-256(SPKI)[0..16])
// is done here from the RFC, without any Java code.
//
// Usage: node cose-sign-interop.mjs <dir> <payload.json>
//   reads  <dir>/java-hybrid.json   [{id, classicalAlg, pqAlg, classicalPublicKeyHex, pqPublicKeyHex, messageHex, payloadHex}]
//                                   (public keys raw: uncompressed P-256 point, 32-byte Ed25519 key, FIPS 204 key)
//          <payload.json>           a vector file (message-es256-3.json): the SenML payload and the boot,
//                                   seq and device time the Node-made messages carry
//   writes <dir>/node-verified-hybrid.json [{id, tamper, isValid, classicalValid, pqValid, kidsMatch, payloadHex, error}]
//          <dir>/node-signed-hybrid.json   [{id, classicalAlg, pqAlg, classicalSpkiHex, pqSpkiHex, classicalKidHex,
//                                            pqKidHex, messageHex, payloadHex, boot, seq, deviceTime, classicalSignatureHex}]
import { p256 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ml_dsa44, ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { Decoder, Encoder, Tag } from 'cbor-x';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const [dir, payloadVector] = process.argv.slice(2);
if (!dir || !payloadVector) {
  console.error('usage: node cose-sign-interop.mjs <dir> <payload vector json>');
  process.exit(2);
}
const hex = (b) => Buffer.from(b).toString('hex');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

// COSE alg identifiers (RFC 9053, RFC 9964) and the DER prefix of each canonical SPKI (protocol.md §2).
const ALGS = {
  ES256: {
    coseId: -7,
    spkiPrefix: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
    keygen: () => { const secretKey = p256.utils.randomSecretKey(); return { secretKey, publicKey: p256.getPublicKey(secretKey, false) }; },
    sign: (msg, sk) => p256.sign(msg, sk), // SHA-256, r ‖ s (64 bytes)
    // Java's ECDSA does not normalise s: accept high-s signatures (RFC 9053 does not forbid them)
    verify: (sig, msg, pk) => p256.verify(sig, msg, pk, { lowS: false }),
  },
  EdDSA: {
    coseId: -8,
    spkiPrefix: '302a300506032b6570032100',
    keygen: () => { const secretKey = ed25519.utils.randomSecretKey(); return { secretKey, publicKey: ed25519.getPublicKey(secretKey) }; },
    sign: (msg, sk) => ed25519.sign(msg, sk),
    verify: (sig, msg, pk) => ed25519.verify(sig, msg, pk),
  },
  'ML-DSA-44': {
    coseId: -48,
    spkiPrefix: '30820532300b060960864801650304031103820521' + '00',
    keygen: () => ml_dsa44.keygen(crypto.randomBytes(32)),
    sign: (msg, sk) => ml_dsa44.sign(msg, sk), // hedged, empty context
    verify: (sig, msg, pk) => ml_dsa44.verify(sig, msg, pk),
  },
  'ML-DSA-65': {
    coseId: -49,
    spkiPrefix: '308207b2300b0609608648016503040312038207a1' + '00',
    keygen: () => ml_dsa65.keygen(crypto.randomBytes(32)),
    sign: (msg, sk) => ml_dsa65.sign(msg, sk),
    verify: (sig, msg, pk) => ml_dsa65.verify(sig, msg, pk),
  },
};
const HEADER = { alg: 1, contentType: 3, kid: 4, boot: -65537, seq: -65538, deviceTime: -65539 };
const spkiOf = (alg, publicKey) => Buffer.concat([Buffer.from(ALGS[alg].spkiPrefix, 'hex'), Buffer.from(publicKey)]);
const kidOf = (alg, publicKey) => sha256(spkiOf(alg, publicKey)).subarray(0, 16);
const sigStructure = (bodyProtected, signProtected, payload) =>
  cbor.encode(['Signature', bodyProtected, signProtected, new Uint8Array(0), payload]);

// Decodes a hybrid message and verifies both signatures under the expected algorithms and keys.
function verifyHybrid(bytes, m) {
  const out = { isValid: false, classicalValid: false, pqValid: false, kidsMatch: false, payloadHex: null };
  try {
    // tag 98 has a two-byte head (0xd8 0x62); read it here and decode the array after it with cbor-x
    if (bytes[0] !== 0xd8 || bytes[1] !== 0x62) return { ...out, error: 'not tag 98' };
    const item = decoder.decode(bytes.subarray(2));
    if (!Array.isArray(item) || item.length !== 4) return { ...out, error: 'not an array of 4' };
    const [bodyProtected, bodyUnprotected, payload, signatures] = item;
    if (!(bodyProtected instanceof Uint8Array) || !(payload instanceof Uint8Array)) return { ...out, error: 'body or payload not a bstr' };
    if (!(bodyUnprotected instanceof Map) || bodyUnprotected.size !== 0) return { ...out, error: 'body unprotected header not empty' };
    const body = decoder.decode(bodyProtected);
    if (body.get(HEADER.contentType) !== 112 || body.has(HEADER.alg) || body.has(HEADER.kid)) return { ...out, error: 'body header' };
    if (!Array.isArray(signatures) || signatures.length !== 2) return { ...out, error: `${signatures?.length} signatures` };
    const expected = [[m.classicalAlg, Buffer.from(m.classicalPublicKeyHex, 'hex')], [m.pqAlg, Buffer.from(m.pqPublicKeyHex, 'hex')]];
    const valid = [];
    let kidsMatch = true;
    for (let i = 0; i < 2; i++) {
      const [signProtected, , signature] = signatures[i];
      const header = decoder.decode(signProtected);
      const [alg, publicKey] = expected[i];
      if (header.get(HEADER.alg) !== ALGS[alg].coseId) return { ...out, error: `signature ${i}: alg ${header.get(HEADER.alg)}` };
      kidsMatch &&= Buffer.from(header.get(HEADER.kid)).equals(kidOf(alg, publicKey));
      let ok;
      try {
        ok = ALGS[alg].verify(signature, sigStructure(bodyProtected, signProtected, payload), publicKey);
      } catch (e) {
        ok = false;
      }
      valid.push(ok);
    }
    return { isValid: valid[0] && valid[1] && kidsMatch, classicalValid: valid[0], pqValid: valid[1], kidsMatch,
      payloadHex: valid[0] && valid[1] ? hex(payload) : null };
  } catch (e) {
    return { ...out, error: String(e.message || e) };
  }
}

// Byte-flipped variants: the last byte (inside the ML-DSA signature) and the last byte of the classical
// signature (found in the message by its bytes).
function tampered(bytes) {
  const item = decoder.decode(bytes.subarray(2));
  const classicalSignature = Buffer.from(item[3][0][2]);
  const at = bytes.indexOf(classicalSignature);
  if (at < 0) throw new Error('classical signature not found in the message');
  const pq = Buffer.from(bytes);
  pq[pq.length - 1] ^= 0x01;
  const classical = Buffer.from(bytes);
  classical[at + classicalSignature.length - 1] ^= 0x01;
  return { 'ml-dsa-signature': pq, 'classical-signature': classical };
}

const verified = [];
for (const m of JSON.parse(fs.readFileSync(path.join(dir, 'java-hybrid.json'), 'utf8'))) {
  const bytes = Buffer.from(m.messageHex, 'hex');
  verified.push({ id: m.id, tamper: 'none', ...verifyHybrid(bytes, m) });
  for (const [tamper, variant] of Object.entries(tampered(bytes))) {
    verified.push({ id: m.id, tamper, ...verifyHybrid(variant, m) });
  }
}
fs.writeFileSync(path.join(dir, 'node-verified-hybrid.json'), JSON.stringify(verified, null, 2));

// Node-made hybrid messages around the vector's SenML payload, with fresh keys.
const vector = JSON.parse(fs.readFileSync(payloadVector, 'utf8'));
const vectorMessage = Buffer.from(vector.message, 'hex');
const payload = Buffer.from(decoder.decode(vectorMessage.subarray(1))[2]); // COSE_Sign1 (tag 18, one-byte head): [2] is the payload
// cbor-x writes a Number beyond 32 bits as a float64, so the device time (ms, > 2^32) goes in as a
// BigInt (written as a 64-bit unsigned integer, its shortest form); boot and seq are small Numbers
const boot = vector.boot;
const seq = vector.seq;
const deviceTime = BigInt(vector.deviceTimeMillis);
const signed = [];
for (const [classicalAlg, pqAlg] of [['ES256', 'ML-DSA-65'], ['EdDSA', 'ML-DSA-44'], ['ES256', 'ML-DSA-44']]) {
  const keys = [[classicalAlg, ALGS[classicalAlg].keygen()], [pqAlg, ALGS[pqAlg].keygen()]];
  const bodyProtected = cbor.encode(new Map([[HEADER.contentType, 112], [HEADER.boot, boot], [HEADER.seq, seq],
    [HEADER.deviceTime, deviceTime]]));
  const signatures = keys.map(([alg, { secretKey, publicKey }]) => {
    const signProtected = cbor.encode(new Map([[HEADER.alg, ALGS[alg].coseId], [HEADER.kid, kidOf(alg, publicKey)]]));
    const signature = ALGS[alg].sign(sigStructure(bodyProtected, signProtected, payload), secretKey);
    return [signProtected, new Map(), signature];
  });
  const message = cbor.encode(new Tag([bodyProtected, new Map(), payload, signatures], 98));
  signed.push({
    id: `node-${classicalAlg}+${pqAlg}`, classicalAlg, pqAlg,
    classicalSpkiHex: hex(spkiOf(classicalAlg, keys[0][1].publicKey)), pqSpkiHex: hex(spkiOf(pqAlg, keys[1][1].publicKey)),
    classicalKidHex: hex(kidOf(classicalAlg, keys[0][1].publicKey)), pqKidHex: hex(kidOf(pqAlg, keys[1][1].publicKey)),
    messageHex: hex(message), payloadHex: hex(payload), classicalSignatureHex: hex(signatures[0][2]),
    boot: vector.boot, seq: vector.seq, deviceTime: vector.deviceTimeMillis,
  });
}
fs.writeFileSync(path.join(dir, 'node-signed-hybrid.json'), JSON.stringify(signed, null, 2));
console.log(`verified ${verified.length} Java hybrid messages and variants, signed ${signed.length} Node hybrid messages`);
