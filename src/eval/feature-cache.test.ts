import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodedImage } from '../engine/api';
import { encodedBytes } from '../engine/feature-store';
import {
  deserializeEncoded,
  encodedDistance,
  FeatureDiskCache,
  modelFingerprint,
  openFeatureCache,
  probeImage,
  serializeEncoded,
} from './feature-cache';

function sample(tiles: number): EncodedImage {
  let v = 0.5;
  const f = (n: number) => Float32Array.from({ length: n }, () => (v = (v * 7.3) % 1.9) - 0.95);
  return {
    width: 640,
    height: 400,
    boxes: Array.from(
      { length: tiles },
      (_, i) => [i * 240, 0, i * 240 + 400, 400] as [number, number, number, number],
    ),
    tiles: Array.from({ length: tiles }, () => ({
      imageEmbedding: f(32),
      patchEmbeddings: f(225 * 8),
      windowEmbeddings: new Map([
        [3, f(169 * 32)],
        [2, f(196 * 32)],
      ]),
    })),
  };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'winclip-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('feature serialisation', () => {
  it('round-trips every float, box and scale, also from an unaligned buffer', () => {
    const enc = sample(2);
    const bytes = serializeEncoded(enc);
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    for (const b of [bytes, shifted]) {
      const back = deserializeEncoded(b);
      expect(back.width).toBe(640);
      expect(back.boxes).toEqual(enc.boxes);
      expect(back.tiles).toHaveLength(2);
      for (let t = 0; t < 2; t++) {
        expect(back.tiles[t].imageEmbedding).toEqual(enc.tiles[t].imageEmbedding);
        expect(back.tiles[t].patchEmbeddings).toEqual(enc.tiles[t].patchEmbeddings);
        expect([...back.tiles[t].windowEmbeddings.keys()]).toEqual([2, 3]);
        expect(back.tiles[t].windowEmbeddings.get(3)).toEqual(enc.tiles[t].windowEmbeddings.get(3));
      }
    }
    expect(bytes.length).toBeGreaterThan(encodedBytes(enc));
  });

  it('rejects damaged data', () => {
    const bytes = serializeEncoded(sample(1));
    expect(() => deserializeEncoded(bytes.subarray(0, bytes.length - 4))).toThrow(/size/);
    expect(() => deserializeEncoded(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]))).toThrow(/WCF1/);
  });
});

describe('disk cache', () => {
  it('stores by content hash, leaves no temporary files, and misses on damage', async () => {
    const cache = new FeatureDiskCache(join(dir, 'plain'));
    const hash = 'ab'.repeat(32);
    expect(await cache.get(hash)).toBeNull();
    expect(await cache.has(hash)).toBe(false);
    expect(await cache.put(hash, sample(1))).toBe(encodedBytes(sample(1)));
    expect(await cache.has(hash)).toBe(true);
    expect((await cache.get(hash))?.tiles[0].imageEmbedding).toEqual(sample(1).tiles[0].imageEmbedding);
    expect(await readdir(join(cache.dir, 'ab'))).toEqual([`${hash}.wcf`]);
    await writeFile(join(cache.dir, 'ab', `${hash}.wcf`), 'garbage');
    expect(await cache.get(hash)).toBeNull();
    await cache.delete(hash);
    expect(await cache.has(hash)).toBe(false);
    expect(await readdir(join(cache.dir, 'ab'))).toEqual([]);
  });

  it('keeps one generation per encoder: float noise reuses it, a changed encoder starts a new one', async () => {
    const root = join(dir, 'gens');
    const probe = sample(2);
    const a = await openFeatureCache(root, 'c'.repeat(64), probe);
    await a.put('cd'.repeat(32), sample(1));
    const noisy = deserializeEncoded(serializeEncoded(probe));
    noisy.tiles[0].patchEmbeddings[5] += 1e-5;
    const b = await openFeatureCache(root, 'c'.repeat(64), noisy);
    expect(b.dir).toBe(a.dir);
    expect(await b.get('cd'.repeat(32))).not.toBeNull();
    const changed = deserializeEncoded(serializeEncoded(probe));
    changed.tiles[1].windowEmbeddings.get(2)![0] += 0.05;
    const c = await openFeatureCache(root, 'c'.repeat(64), changed);
    expect(c.dir).not.toBe(a.dir);
    expect(await c.get('cd'.repeat(32))).toBeNull();
    // Going back to the first encoder finds its generation again.
    expect((await openFeatureCache(root, 'c'.repeat(64), probe)).dir).toBe(a.dir);
    expect(await readdir(join(root, 'c'.repeat(24)))).toEqual(['g1', 'g2']);
  });

  it('measures encodings apart', () => {
    const a = sample(1);
    expect(encodedDistance(a, deserializeEncoded(serializeEncoded(a)))).toBe(0);
    expect(encodedDistance(a, sample(2))).toBe(Infinity);
    const p = probeImage();
    expect([p.width, p.height, p.data.length]).toEqual([96, 64, 96 * 64 * 3]);
  });

  it('fingerprints a model by config and weights', async () => {
    const m = join(dir, 'model');
    await mkdir(m, { recursive: true });
    await writeFile(join(m, 'open_clip_config.json'), '{"a":1}');
    await writeFile(join(m, 'open_clip_model.safetensors'), 'weights-1');
    const a = await modelFingerprint(m);
    expect(await modelFingerprint(m)).toBe(a);
    await writeFile(join(m, 'open_clip_model.safetensors'), 'weights-2');
    const b = await modelFingerprint(m);
    expect(b).not.toBe(a);
    await writeFile(join(m, 'open_clip_config.json'), '{"a":2}');
    expect(await modelFingerprint(m)).not.toBe(b);
  });
});
