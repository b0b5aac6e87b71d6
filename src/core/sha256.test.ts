import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './sha256';

const enc = (s: string) => new TextEncoder().encode(s);

describe('sha256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256Hex(enc('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(enc(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('gives node:crypto digests whatever the piece sizes', () => {
    const data = new Uint8Array(10_007).map((_, i) => (i * 31 + 7) & 0xff);
    const want = createHash('sha256').update(data).digest('hex');
    for (const piece of [1, 55, 56, 63, 64, 65, 1000]) {
      const h = new Sha256();
      for (let i = 0; i < data.length; i += piece) h.update(data.subarray(i, i + piece));
      expect(h.hex()).toBe(want);
    }
  });
});
