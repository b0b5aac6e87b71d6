import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintBytes, fingerprintRanges } from '../core/weights-fingerprint';
import { contentHash, modelIdentity } from './model-identity';

function fakeSafetensors(dataBytes: number, fill: (i: number) => number): Uint8Array {
  const header = new TextEncoder().encode(
    JSON.stringify({ w: { dtype: 'U8', shape: [dataBytes], data_offsets: [0, dataBytes] } }),
  );
  const out = new Uint8Array(8 + header.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.byteLength), true);
  out.set(header, 8);
  for (let i = 0; i < dataBytes; i++) out[8 + header.byteLength + i] = fill(i);
  return out;
}

describe('modelIdentity', () => {
  it('is the SHA-256 of the weights fingerprint and the config', async () => {
    const w = fakeSafetensors(3_000_000, (i) => i % 251);
    const expected = createHash('sha256')
      .update(`winclip-model-v2\n${fingerprintBytes(w)}\n{"a":1}\n`)
      .digest('hex');
    expect(await modelIdentity(w, { a: 1 })).toBe(expected);
  });

  it('is the same for the file whole and cut into parts', async () => {
    const w = fakeSafetensors(3_000_000, (i) => (i * 7) % 253);
    const parts = [w.subarray(0, 1_234_567), w.subarray(1_234_567, 2_000_001), w.subarray(2_000_001)];
    expect(fingerprintBytes(parts)).toBe(fingerprintBytes(w));
    expect(await modelIdentity(parts, {})).toBe(await modelIdentity(w, {}));
  });

  it('tells apart weights of one architecture that differ in a sampled block, and configs', async () => {
    const a = fakeSafetensors(3_000_000, () => 1);
    const [, [off]] = fingerprintRanges(a.byteLength);
    const b = a.slice();
    b[off] = 2;
    expect(await modelIdentity(a, {})).not.toBe(await modelIdentity(b, {}));
    expect(await modelIdentity(a, { x: 1 })).not.toBe(await modelIdentity(a, {}));
    expect(await modelIdentity(a, {})).toBe(await modelIdentity(a.slice(), {}));
  });
});

describe('contentHash', () => {
  it('is the hex SHA-256 of the bytes', async () => {
    const bytes = new TextEncoder().encode('abc');
    expect(await contentHash(bytes)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
