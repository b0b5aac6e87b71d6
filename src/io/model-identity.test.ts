import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash, identityInput, modelIdentity } from './model-identity';

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
  it('is the SHA-256 of size, config, header and three samples of the data', async () => {
    const w = fakeSafetensors(300_000, (i) => i % 251);
    const expected = createHash('sha256')
      .update(identityInput(w, { a: 1 }))
      .digest('hex');
    expect(await modelIdentity(w, { a: 1 })).toBe(expected);
    // header + 3 × 64 KiB samples + the prefix line
    const prefix = `winclip-model-v1\n${w.byteLength}\n{"a":1}\n`.length;
    expect(identityInput(w, { a: 1 }).byteLength).toBe(prefix + (w.byteLength - 300_000) + 3 * 65_536);
  });

  it('tells apart weights of one architecture that differ in the middle, and configs', async () => {
    const a = fakeSafetensors(300_000, () => 1);
    const b = fakeSafetensors(300_000, (i) => (i === 150_000 ? 2 : 1));
    expect(await modelIdentity(a, {})).not.toBe(await modelIdentity(b, {}));
    expect(await modelIdentity(a, { x: 1 })).not.toBe(await modelIdentity(a, {}));
    expect(await modelIdentity(a, {})).toBe(
      await modelIdentity(
        fakeSafetensors(300_000, () => 1),
        {},
      ),
    );
  });

  it('handles files smaller than the samples', async () => {
    const w = fakeSafetensors(10, (i) => i);
    expect(identityInput(w, null).byteLength).toBe(
      `winclip-model-v1\n${w.byteLength}\nnull\n`.length + w.byteLength - 10 + 30,
    );
  });
});

describe('contentHash', () => {
  it('is the hex SHA-256 of the bytes', async () => {
    const bytes = new TextEncoder().encode('abc');
    expect(await contentHash(bytes)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
