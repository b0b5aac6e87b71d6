import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSynthDataset } from '../synth/generator';
import { datasetReader } from './datasets';
import { parseCsv } from './datasets/visa';
import { evalSize, loadTruth, readMask, resizeMaskNearest } from './masks';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'winclip-datasets-'));
  const base = { categories: ['metal_nut', 'carpet'], train: 3, testGood: 2, testBad: 4, size: 32, seed: 1 };
  await generateSynthDataset({ ...base, outDir: join(root, 'mvtec') });
  await generateSynthDataset({ ...base, outDir: join(root, 'visa'), layout: 'visa' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('MVTec-AD reader', () => {
  it('lists categories and reads splits with masks', async () => {
    const r = datasetReader('mvtec', join(root, 'mvtec'));
    expect(await r.categories()).toEqual(['carpet', 'metal_nut']);
    const c = await r.read('metal_nut');
    expect(c.train).toEqual(['train/good/000.png', 'train/good/001.png', 'train/good/002.png']);
    expect(c.test.map((t) => t.file)).toEqual([
      'test/good/000.png',
      'test/good/001.png',
      'test/hole/000.png',
      'test/scratch/000.png',
      'test/scratch/001.png',
      'test/stain/000.png',
    ]);
    expect(c.test.map((t) => t.label)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(c.test[0].maskPath).toBeNull();
    expect(c.test[3].maskPath).toBe(
      join(root, 'mvtec', 'metal_nut', 'ground_truth', 'scratch', '000_mask.png'),
    );
  });

  it('refuses an anomalous image without a mask', async () => {
    const mask = join(root, 'mvtec', 'carpet', 'ground_truth', 'hole', '000_mask.png');
    const bytes = await readFile(mask);
    await unlink(mask);
    try {
      await expect(datasetReader('mvtec', join(root, 'mvtec')).read('carpet')).rejects.toThrow(
        /no ground-truth mask/,
      );
    } finally {
      await writeFile(mask, bytes);
    }
  });

  it('reports a missing folder', async () => {
    await expect(datasetReader('mvtec', join(root, 'nope')).categories()).rejects.toThrow(/not found/);
  });
});

describe('VisA reader', () => {
  it('parses CSV with quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi"""\r\n\r\n3,\n')).toEqual([
      { a: 'x,1', b: 'say "hi"' },
      { a: '3', b: '' },
    ]);
  });

  it('reads the 1cls split with paths relative to the category folder', async () => {
    const r = datasetReader('visa', join(root, 'visa'));
    expect(await r.categories()).toEqual(['carpet', 'metal_nut']);
    const c = await r.read('carpet');
    expect(c.train).toEqual([
      'Data/Images/Normal/0000.png',
      'Data/Images/Normal/0001.png',
      'Data/Images/Normal/0002.png',
    ]);
    expect(c.test).toHaveLength(6);
    const bad = c.test.filter((t) => t.label === 1);
    expect(bad).toHaveLength(4);
    expect(bad[0].file).toBe('Data/Images/Anomaly/000.png');
    expect(bad[0].maskPath).toBe(join(root, 'visa', 'carpet', 'Data', 'Masks', 'Anomaly', '000.png'));
    await expect(r.read('candle')).rejects.toThrow(/not in/);
  });
});

describe('masks', () => {
  it('treats any non-zero value as anomalous (VisA class indices)', async () => {
    const r = datasetReader('visa', join(root, 'visa'));
    const c = await r.read('metal_nut');
    // The third defect (stain) is written with value 3, not 255.
    const path = c.test.filter((t) => t.label === 1)[2].maskPath!;
    expect((await sharp(path).metadata()).channels).toBe(1);
    const raw = await sharp(path).extractChannel(0).raw().toBuffer();
    expect(Math.max(...raw)).toBe(3);
    const m = await readMask(path);
    expect(m.data.reduce((a, b) => a + b, 0)).toBe(raw.filter((v) => v !== 0).length);
  });

  it('resizes with pixel-centre nearest sampling', () => {
    const m = { width: 4, height: 1, data: new Uint8Array([0, 1, 1, 0]) };
    expect(Array.from(resizeMaskNearest(m, 2, 1).data)).toEqual([1, 0]); // sources floor(0.5·2) = 1 and floor(1.5·2) = 3
    expect(Array.from(resizeMaskNearest(m, 8, 1).data)).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it('computes the evaluation size from the shorter edge', () => {
    expect(evalSize(1500, 1000)).toEqual({ width: 1500, height: 1000 });
    expect(evalSize(1500, 1000, 256)).toEqual({ width: 384, height: 256 });
    expect(evalSize(700, 1024, 240)).toEqual({ width: 240, height: 351 });
  });

  it('loads ground truth as sparse regions at the requested size', async () => {
    const c = await datasetReader('mvtec', join(root, 'mvtec')).read('metal_nut');
    const path = c.test.find((t) => t.defect === 'hole')!.maskPath!;
    const full = await loadTruth(path);
    expect(full.width).toBe(32);
    expect(full.regions).toBe(1);
    expect(full.indices.length).toBeGreaterThan(0);
    const small = await loadTruth(path, 16);
    expect([small.width, small.height]).toEqual([16, 16]);
    expect(small.indices.length).toBeLessThan(full.indices.length);
  });
});
