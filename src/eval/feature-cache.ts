/**
 * On-disk cache of encoded images (EncodedImage: tiles with image, patch and window embeddings), so a
 * rerun, another shot count or another ablation never runs the image encoder twice for the same pixels.
 * Entries are keyed by the SHA-256 of the image file's bytes under a folder keyed by the model
 * (SHA-256 of its config and weights, plus the format version): renaming or moving a dataset still hits,
 * changing the model or the file's content misses. The encoder code itself can change too (a
 * pre-processing fix, say); so each model folder holds generations g1, g2, …, each with the features of
 * a fixed probe image. A run encodes the probe and uses the generation whose probe matches (within
 * float noise), or starts a new one: features from different encoder code are never mixed.
 *
 * File format (little-endian): "WCF1", u32 header length, UTF-8 JSON header, zero padding to a multiple
 * of 4, then float32 blocks per tile in header order: image embedding, patch embeddings, one block per
 * window scale.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Box, RgbImage, TileFeatures } from '../core/types';
import type { EncodedImage } from '../engine/api';
import { encodedBytes, type FeatureStore } from '../engine/feature-store';

/** Bump when the engine's features change meaning (e.g. a pre-processing fix) to invalidate old entries. */
const FEATURE_FORMAT_VERSION = 1;
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

/** The disk backend of the feature store: one file per image, keyed by the SHA-256 of its bytes. */
export class FeatureDiskCache implements FeatureStore {
  /** A cache rooted at `dir` (one generation of one model; see openFeatureCache). */
  constructor(readonly dir: string) {}

  private path(imageHash: string): string {
    return join(this.dir, imageHash.slice(0, 2), `${imageHash}.wcf`);
  }

  /** The cached features, or null when absent or unreadable (a damaged entry is simply re-encoded). */
  async get(imageHash: string): Promise<EncodedImage | null> {
    return (await readEncoded(this.path(imageHash))) ?? null;
  }

  /** Writes atomically (temporary file + rename), so an interrupted run never leaves a half entry. */
  async put(imageHash: string, enc: EncodedImage): Promise<number> {
    await writeEncoded(this.path(imageHash), enc);
    return encodedBytes(enc);
  }

  async has(imageHash: string): Promise<boolean> {
    return access(this.path(imageHash)).then(
      () => true,
      () => false,
    );
  }

  async delete(imageHash: string): Promise<void> {
    await rm(this.path(imageHash), { force: true });
  }
}

async function readEncoded(path: string): Promise<EncodedImage | undefined> {
  const bytes = await readFile(path).catch(() => null);
  if (!bytes) return undefined;
  try {
    return deserializeEncoded(bytes);
  } catch {
    return undefined;
  }
}

async function writeEncoded(path: string, enc: EncodedImage): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, serializeEncoded(enc));
  await rename(tmp, path);
}

/** A fixed non-square test card (two tiles), so the probe exercises tiling, resizing and every scale. */
export function probeImage(): RgbImage {
  const width = 96;
  const height = 64;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 255) / (width - 1);
      data[i + 1] = (y * 255) / (height - 1);
      data[i + 2] = ((x >> 3) + (y >> 3)) % 2 ? 200 : 40;
    }
  return { width, height, data };
}

/** Largest absolute difference between two encodings; Infinity when their shapes differ. */
export function encodedDistance(a: EncodedImage, b: EncodedImage): number {
  if (a.width !== b.width || a.height !== b.height || a.tiles.length !== b.tiles.length) return Infinity;
  if (JSON.stringify(a.boxes) !== JSON.stringify(b.boxes)) return Infinity;
  let worst = 0;
  const cmp = (x: Float32Array, y: Float32Array | undefined) => {
    if (!y || x.length !== y.length) return Infinity;
    let m = 0;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
    return m;
  };
  for (let t = 0; t < a.tiles.length; t++) {
    const ta = a.tiles[t];
    const tb = b.tiles[t];
    if (ta.windowEmbeddings.size !== tb.windowEmbeddings.size) return Infinity;
    worst = Math.max(
      worst,
      cmp(ta.imageEmbedding, tb.imageEmbedding),
      cmp(ta.patchEmbeddings, tb.patchEmbeddings),
    );
    for (const [k, w] of ta.windowEmbeddings) worst = Math.max(worst, cmp(w, tb.windowEmbeddings.get(k)));
  }
  return worst;
}

/** Probe features may differ by float noise (thread counts, kernels); real encoder changes move them far more. */
const PROBE_TOLERANCE = 1e-3;

/**
 * Opens the cache of a model under `root`: the generation whose stored probe features match `probe`
 * (the current encoder's features of probeImage()), or a new generation when none does.
 */
export async function openFeatureCache(
  root: string,
  fingerprint: string,
  probe: EncodedImage,
): Promise<FeatureDiskCache> {
  const modelDir = join(root, fingerprint.slice(0, 24));
  const generations = (await readdir(modelDir).catch(() => [] as string[]))
    .map((n) => /^g(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  for (const g of generations) {
    const stored = await readEncoded(join(modelDir, `g${g}`, 'probe.wcf'));
    if (stored && encodedDistance(stored, probe) <= PROBE_TOLERANCE)
      return new FeatureDiskCache(join(modelDir, `g${g}`));
  }
  const next = join(modelDir, `g${(generations.at(-1) ?? 0) + 1}`);
  await writeEncoded(join(next, 'probe.wcf'), probe);
  return new FeatureDiskCache(next);
}
