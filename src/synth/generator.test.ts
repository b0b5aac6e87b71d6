import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/random';
import { generateSynthDataset } from './generator';
import { DEFECT_TYPES, plantDefect, renderNormal } from './render';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'winclip-synth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const opts = { categories: ['washer'], train: 2, testGood: 1, testBad: 3, size: 40, seed: 3 };

describe('synthetic dataset', () => {
  it('writes the MVTec-AD layout with binary masks', async () => {
    const out = join(dir, 'a');
    const s = await generateSynthDataset({ ...opts, outDir: out });
    expect(s.categories.washer.testBad).toEqual({ scratch: 1, hole: 1, stain: 1 });
    expect(await readdir(join(out, 'washer', 'test'))).toEqual(['good', 'hole', 'scratch', 'stain']);
    const maskPath = join(out, 'washer', 'ground_truth', 'hole', '000_mask.png');
    const meta = await sharp(maskPath).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([40, 40, 1]);
    const data = await sharp(maskPath).extractChannel(0).raw().toBuffer();
    expect(new Set(data)).toEqual(new Set([0, 255]));
  });

  it('is deterministic in the seed', async () => {
    await generateSynthDataset({ ...opts, outDir: join(dir, 'b') });
    await generateSynthDataset({ ...opts, outDir: join(dir, 'c') });
    await generateSynthDataset({ ...opts, seed: 4, outDir: join(dir, 'd') });
    const f = (d: string) => readFile(join(dir, d, 'washer', 'test', 'scratch', '000.png'));
    expect((await f('b')).equals(await f('c'))).toBe(true);
    expect((await f('b')).equals(await f('d'))).toBe(false);
  });

  it('marks exactly the pixels a defect changed', () => {
    for (const style of ['object', 'texture'] as const) {
      for (const type of DEFECT_TYPES) {
        const before = renderNormal(style, 64, [200, 150, 90], mulberry32(9)).canvas.rgb;
        const { canvas, region } = renderNormal(style, 64, [200, 150, 90], mulberry32(9));
        const mask = plantDefect(canvas, region, type, mulberry32(1));
        let changedOutside = 0;
        let marked = 0;
        for (let i = 0; i < mask.length; i++) {
          const changed = [0, 1, 2].some((c) => canvas.rgb[i * 3 + c] !== before[i * 3 + c]);
          if (mask[i]) marked++;
          else if (changed) changedOutside++;
        }
        expect(changedOutside).toBe(0);
        expect(marked).toBeGreaterThan(3);
      }
    }
  });

  it('rejects bad options', async () => {
    await expect(generateSynthDataset({ ...opts, size: 4, outDir: join(dir, 'e') })).rejects.toThrow(/size/);
    await expect(
      generateSynthDataset({ ...opts, categories: ['../x'], outDir: join(dir, 'e') }),
    ).rejects.toThrow(/category/);
  });
});
