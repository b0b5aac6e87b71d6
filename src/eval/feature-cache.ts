/**
 * On-disk cache of encoded images (EncodedImage: tiles with image, patch and window embeddings), so a
 * rerun, another shot count or another ablation never runs the image encoder twice for the same pixels.
 * Entries are keyed by the SHA-256 of the image file's bytes under a folder keyed by the model
 * (SHA-256 of its config and weights, plus the format version): renaming or moving a dataset still hits,
 * changing the model or the file's content misses.
 *
 * File format (little-endian): "WCF1", u32 header length, UTF-8 JSON header, zero padding to a multiple
 * of 4, then float32 blocks per tile in header order: image embedding, patch embeddings, one block per
 * window scale.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Box, TileFeatures } from '../core/types';
import type { EncodedImage } from '../engine/api';

/** Bump when the engine's features change meaning (e.g. a pre-processing fix) to invalidate old entries. */
export const FEATURE_FORMAT_VERSION = 1;
const MAGIC = 'WCF1';

interface Header {
  width: number;
  height: number;
  boxes: Box[];
  tiles: { image: number; patch: number; windows: [number, number][] }[];
}

export function serializeEncoded(enc: EncodedImage): Uint8Array {
  const blocks: Float32Array[] = [];
  const header: Header = { width: enc.width, height: enc.height, boxes: enc.boxes, tiles: [] };
  for (const t of enc.tiles) {
    const scales = [...t.windowEmbeddings.keys()].sort((a, b) => a - b);
    header.tiles.push({
      image: t.imageEmbedding.length,
      patch: t.patchEmbeddings.length,
      windows: scales.map((k) => [k, t.windowEmbeddings.get(k)!.length]),
    });
    blocks.push(t.imageEmbedding, t.patchEmbeddings, ...scales.map((k) => t.windowEmbeddings.get(k)!));
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerEnd = 8 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const floats = blocks.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  const data = new Float32Array(out.buffer, dataStart, floats);
  let at = 0;
  for (const b of blocks) {
    data.set(b, at);
    at += b.length;
  }
  return out;
}

export function deserializeEncoded(bytes: Uint8Array): EncodedImage {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) {
    throw new Error('feature cache: not a WCF1 file');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(4, true);
  if (8 + len > bytes.length) throw new Error('feature cache: truncated header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Header;
  const dataStart = Math.ceil((8 + len) / 4) * 4;
  const expected = header.tiles.reduce(
    (s, t) => s + t.image + t.patch + t.windows.reduce((a, [, n]) => a + n, 0),
    0,
  );
  if (bytes.length !== dataStart + expected * 4) throw new Error('feature cache: size does not match header');
  // Copy into an aligned buffer: the input may sit at any byte offset (e.g. a pooled Buffer).
  const data = new Float32Array(expected);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  let at = 0;
  const take = (n: number) => {
    const v = data.subarray(at, at + n);
    at += n;
    return v;
  };
  const tiles: TileFeatures[] = header.tiles.map((t) => {
    const imageEmbedding = take(t.image);
    const patchEmbeddings = take(t.patch);
    const windowEmbeddings = new Map<number, Float32Array>();
    for (const [k, n] of t.windows) windowEmbeddings.set(k, take(n));
    return { imageEmbedding, patchEmbeddings, windowEmbeddings };
  });
  return { width: header.width, height: header.height, boxes: header.boxes, tiles };
}

export function encodedBytes(enc: EncodedImage): number {
  let n = 0;
  for (const t of enc.tiles) {
    n += t.imageEmbedding.byteLength + t.patchEmbeddings.byteLength;
    for (const w of t.windowEmbeddings.values()) n += w.byteLength;
  }
  return n;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function hashFile(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  await new Promise<void>((res, rej) => {
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => res())
      .on('error', rej);
  });
}

/** Identity of a model folder for the cache: its config and weights (tokenizer does not touch image features). */
export async function modelFingerprint(modelDir: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`winclip-features-v${FEATURE_FORMAT_VERSION}\n`);
  h.update(await readFile(join(modelDir, 'open_clip_config.json')));
  await hashFile(join(modelDir, 'open_clip_model.safetensors'), h);
  return h.digest('hex');
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'winclip', 'features');
}

export class FeatureDiskCache {
  readonly dir: string;

  constructor(cacheRoot: string, fingerprint: string) {
    this.dir = join(cacheRoot, fingerprint.slice(0, 24));
  }

  private path(imageHash: string): string {
    return join(this.dir, imageHash.slice(0, 2), `${imageHash}.wcf`);
  }

  /** The cached features, or undefined when absent or unreadable (a damaged entry is simply re-encoded). */
  async load(imageHash: string): Promise<EncodedImage | undefined> {
    const bytes = await readFile(this.path(imageHash)).catch(() => null);
    if (!bytes) return undefined;
    try {
      return deserializeEncoded(bytes);
    } catch {
      return undefined;
    }
  }

  /** Writes atomically (temporary file + rename), so an interrupted run never leaves a half entry. */
  async save(imageHash: string, enc: EncodedImage): Promise<void> {
    const path = this.path(imageHash);
    await mkdir(join(this.dir, imageHash.slice(0, 2)), { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, serializeEncoded(enc));
    await rename(tmp, path);
  }
}
