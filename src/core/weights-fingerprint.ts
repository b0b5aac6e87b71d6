/**
 * A model's weights identity for recipes: SHA-256 over the file size, the first MiB (the safetensors
 * header and the first tensors) and 64 evenly spaced 4 KiB blocks. Hashing all 0.83 GB of a ViT-B
 * would cost seconds of worker time at every load; sampled blocks still tell two checkpoints of one
 * architecture apart, since training changes every tensor. The CLI and the app compute it from the
 * same byte ranges: with WebCrypto where the platform has it (a few ms for the 1.25 MiB sampled), else
 * (an insecure context: a page over plain http on a LAN address) with the pure SHA-256, same value.
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
export type ReadRange = (offset: number, length: number) => Uint8Array;

/** What is hashed, in one buffer: the size (u64, little-endian), then each sampled range. */
function sampledBytes(size: number, read: ReadRange): Uint8Array<ArrayBuffer> {
  const ranges = fingerprintRanges(size);
  const out = new Uint8Array(8 + ranges.reduce((n, [, len]) => n + len, 0));
  new DataView(out.buffer).setBigUint64(0, BigInt(size), true);
  let at = 8;
  for (const [off, len] of ranges) {
    const bytes = read(off, len);
    if (bytes.byteLength !== len)
      throw new Error(`weights fingerprint: read ${bytes.byteLength} of ${len} bytes at ${off}`);
    out.set(bytes, at);
    at += len;
  }
  return out;
}

const hex = (digest: ArrayBuffer) =>
  Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 of bytes, resolved to its digest; null where the platform has none to offer. */
export type Digest = ((bytes: Uint8Array<ArrayBuffer>) => Promise<ArrayBuffer>) | null;

/** WebCrypto's SHA-256 (browsers in a secure context, Node ≥ 20), or null. */
export function platformDigest(): Digest {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  return subtle ? (bytes) => subtle.digest('SHA-256', bytes) : null;
}

/** The fingerprint with the pure SHA-256 (synchronous). */
export function weightsFingerprint(size: number, read: ReadRange): string {
  return `${FINGERPRINT_SCHEME}:${new Sha256().update(sampledBytes(size, read)).hex()}`;
}

/** The same value as `weightsFingerprint`, hashed by `digest` (WebCrypto by default) when there is one. */
export async function weightsFingerprintAsync(
  size: number,
  read: ReadRange,
  digest: Digest = platformDigest(),
): Promise<string> {
  const bytes = sampledBytes(size, read);
  const sum = digest ? hex(await digest(bytes)) : new Sha256().update(bytes).hex();
  return `${FINGERPRINT_SCHEME}:${sum}`;
}

/**
 * The fingerprint of a file on disk, reading only the sampled ranges, all at once (`read` resolves to
 * those bytes of the file): the CLI's model folders, the app's cached, picked and kept files.
 */
export async function fingerprintFile(
  size: number,
  read: (offset: number, length: number) => Promise<Uint8Array>,
  digest: Digest = platformDigest(),
): Promise<string> {
  const ranges = fingerprintRanges(size);
  const chunks = await Promise.all(ranges.map(([off, len]) => read(off, len)));
  const at = new Map(ranges.map(([off], i) => [off, chunks[i]]));
  return weightsFingerprintAsync(size, (off) => at.get(off)!, digest);
}

/** The weights file as one buffer, or as the parts it is read in (see src/model/weight-parts.ts). */
export type WeightsBytes = Uint8Array | readonly Uint8Array[];

/** The file's size and a reader of its ranges across the parts. */
function partsReader(weights: WeightsBytes): { size: number; read: ReadRange } {
  const parts = weights instanceof Uint8Array ? [weights] : weights;
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  const read: ReadRange = (offset, length) => {
    const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
    let base = 0;
    for (const p of parts) {
      const lo = Math.max(offset, base);
      const hi = Math.min(offset + out.length, base + p.byteLength);
      if (lo < hi) out.set(p.subarray(lo - base, hi - base), lo - offset);
      base += p.byteLength;
    }
    return out;
  };
  return { size, read };
}

/** The fingerprint of a weights file held whole or in parts (both give the same value). */
export function fingerprintBytes(weights: WeightsBytes): string {
  const { size, read } = partsReader(weights);
  return weightsFingerprint(size, read);
}

/**
 * `fingerprintBytes`, hashed with WebCrypto where the platform has it (`digest`: see
 * weightsFingerprintAsync). The sampled bytes are copied before it returns: the buffers may go after.
 */
export function fingerprintBytesAsync(
  weights: WeightsBytes,
  digest: Digest = platformDigest(),
): Promise<string> {
  const { size, read } = partsReader(weights);
  return weightsFingerprintAsync(size, read, digest);
}
