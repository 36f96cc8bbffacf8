// Verifies one COSE_Sign1 message with cose-kit (an independent implementation).
// Usage: node verify-cose.mjs <spki-der-hex> <message-hex>   → prints {"isValid": true|false, "payloadHex": "..."}
import { coseVerify } from 'cose-kit';
import crypto from 'node:crypto';

const [spkiHex, messageHex] = process.argv.slice(2);
const key = crypto.createPublicKey({ key: Buffer.from(spkiHex, 'hex'), format: 'der', type: 'spki' });
const result = await coseVerify(Buffer.from(messageHex, 'hex'), key);
console.log(JSON.stringify({ isValid: result.isValid, payloadHex: Buffer.from(result.decoded.payload).toString('hex') }));
