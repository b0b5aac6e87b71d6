/**
 * A model's weights identity for recipes: SHA-256 over the file size, the first MiB (the safetensors
 * header and the first tensors) and 64 evenly spaced 4 KiB blocks. Hashing all 0.83 GB of a ViT-B
 * would cost seconds of worker time (or a second copy of the weights with WebCrypto) at every load;
 * sampled blocks still tell two checkpoints of one architecture apart, since training changes every
 * tensor. The CLI and the app compute it from the same byte ranges.
 */
import { Sha256 } from './sha256';

const FINGERPRINT_SCHEME = 'sampled-sha256-v1';
const HEAD = 1 << 20;
const BLOCK = 4096;
const BLOCKS = 64;

/** The [offset, length] ranges that are hashed, in order, for a file of `size` bytes. */
export function fingerprintRanges(size: number): [number, number][] {
  if (size <= HEAD + BLOCKS * BLOCK) return [[0, size]];
  const ranges: [number, number][] = [[0, HEAD]];
  const span = size - HEAD - BLOCK;
  for (let i = 0; i < BLOCKS; i++) {
    ranges.push([HEAD + Math.floor((span * (i + 1)) / BLOCKS), BLOCK]);
  }
  return ranges;
}

/** `read(offset, length)` returns those bytes of the file. */
export function weightsFingerprint(
  size: number,
  read: (offset: number, length: number) => Uint8Array,
): string {
  const h = new Sha256();
  const sizeBytes = new Uint8Array(8);
  new DataView(sizeBytes.buffer).setBigUint64(0, BigInt(size), true);
  h.update(sizeBytes);
  for (const [off, len] of fingerprintRanges(size)) h.update(read(off, len));
  return `${FINGERPRINT_SCHEME}:${h.hex()}`;
}

/** The weights file as one buffer, or as the parts it is read in (see src/model/weight-parts.ts). */
export type WeightsBytes = Uint8Array | readonly Uint8Array[];

/** The fingerprint of a weights file held whole or in parts (both give the same value). */
export function fingerprintBytes(weights: WeightsBytes): string {
  const parts = weights instanceof Uint8Array ? [weights] : weights;
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  return weightsFingerprint(size, (offset, length) => {
    const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
    let base = 0;
    for (const p of parts) {
      const lo = Math.max(offset, base);
      const hi = Math.min(offset + out.length, base + p.byteLength);
      if (lo < hi) out.set(p.subarray(lo - base, hi - base), lo - offset);
      base += p.byteLength;
    }
    return out;
  });
}
