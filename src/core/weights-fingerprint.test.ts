import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Digest,
  fingerprintBytes,
  fingerprintBytesAsync,
  fingerprintFile,
  fingerprintRanges,
  platformDigest,
  weightsFingerprint,
  weightsFingerprintAsync,
} from './weights-fingerprint';

/** Deterministic bytes that differ everywhere (so a wrong range changes the hash). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The scheme written out with Node's own SHA-256: size (u64 LE), then every sampled range. */
function expected(file: Uint8Array): string {
  const h = createHash('sha256');
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(file.byteLength));
  h.update(size);
  for (const [off, len] of fingerprintRanges(file.byteLength)) h.update(file.subarray(off, off + len));
  return `sampled-sha256-v1:${h.digest('hex')}`;
}

// Small (hashed whole), the largest hashed whole, and sampled sizes (the last ranges end at the file's end).
const SIZES = [0, 10, (1 << 20) + 64 * 4096, (1 << 20) + 64 * 4096 + 1, 3_000_017];

describe('weights fingerprint: WebCrypto and the pure SHA-256', () => {
  it('has WebCrypto in Node, and both paths give the value the scheme defines', async () => {
    expect(platformDigest()).not.toBeNull();
    for (const [i, size] of SIZES.entries()) {
      const file = bytes(size, i + 1);
      const want = expected(file);
      expect(fingerprintBytes(file)).toBe(want);
      expect(await fingerprintBytesAsync(file)).toBe(want);
      // No WebCrypto (an insecure context): the pure SHA-256, same value.
      expect(await fingerprintBytesAsync(file, null)).toBe(want);
    }
  });

  it('hashes the async path with the digest it is given, once, over the sampled bytes only', async () => {
    const file = bytes(3_000_017, 7);
    const platform = platformDigest()!;
    const seen: number[] = [];
    const counting: Digest = (b) => {
      seen.push(b.byteLength);
      return platform(b);
    };
    expect(await fingerprintBytesAsync(file, counting)).toBe(fingerprintBytes(file));
    expect(seen).toEqual([8 + (1 << 20) + 64 * 4096]);
  });

  it('is the same for the file whole, in parts, and read range by range (the CLI reads only the ranges)', async () => {
    const file = bytes(3_000_017, 3);
    const parts = [
      file.subarray(0, 1_234_567),
      file.subarray(1_234_567, 2_000_001),
      file.subarray(2_000_001),
    ];
    const read = (off: number, len: number) => file.slice(off, off + len);
    const want = expected(file);
    expect(fingerprintBytes(parts)).toBe(want);
    expect(await fingerprintBytesAsync(parts)).toBe(want);
    expect(weightsFingerprint(file.byteLength, read)).toBe(want);
    expect(await weightsFingerprintAsync(file.byteLength, read)).toBe(want);
    expect(await weightsFingerprintAsync(file.byteLength, read, null)).toBe(want);
  });

  it('is the same read from a file range by range, all at once (a Blob, as the worker reads one)', async () => {
    const file = bytes(3_000_017, 5);
    const blob = new Blob([file as BlobPart]);
    const reads: number[] = [];
    const read = async (off: number, len: number) => {
      reads.push(off);
      return new Uint8Array(await blob.slice(off, off + len).arrayBuffer());
    };
    expect(await fingerprintFile(blob.size, read)).toBe(expected(file));
    expect(reads).toEqual(fingerprintRanges(file.byteLength).map(([off]) => off));
  });

  it('copies the sampled bytes before it returns: the buffers may be freed while it hashes', async () => {
    const file = bytes(3_000_017, 9);
    const want = fingerprintBytes(file);
    const parts = [file.slice(0, 1_500_000), file.slice(1_500_000)];
    const pending = fingerprintBytesAsync(parts);
    for (const p of parts) p.fill(0);
    expect(await pending).toBe(want);
  });

  it('refuses a read shorter than its range rather than hashing fewer bytes', async () => {
    const short = (off: number, len: number) => new Uint8Array(len > 4 ? len - 1 : len).fill(off & 255);
    expect(() => weightsFingerprint(3_000_017, short)).toThrow(/read 1048575 of 1048576 bytes at 0/);
    await expect(weightsFingerprintAsync(3_000_017, short)).rejects.toThrow(
      /read 1048575 of 1048576 bytes at 0/,
    );
  });
});
