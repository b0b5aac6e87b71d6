/**
 * End to end: `winclip synth` writes a small synthetic benchmark and `winclip eval --method musc` scores
 * each category as one lot with the fixture model (layers 0,1, S = 48). The JSON's metrics are checked
 * against an independent computation: the test builds its own lots on the same device from the image
 * files (order of its own directory walk), reads the masks straight from the PNGs, and computes MuSc's
 * formulas literally (pairwise AUROC, AP and F1 from the sorted score list, the PRO loop of
 * utils/metrics.py) — no Python needed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { bruteAuroc, brutePro } from '../src/core/metrics/brute-force.test-helpers';
import { bruteMuscPro, type MuscBruteImage } from '../src/core/metrics/musc-brute.test-helpers';
import { rscin } from '../src/core/musc/rscin';
import { type MuscSettings, muscSettings } from '../src/core/musc/settings';
import type { WinclipEngine } from '../src/engine/engine';
import { MuscLot } from '../src/engine/musc-lot';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR } from './fixture';
import { winclipOk } from './run-cli';
import { synthArgs, synthTestFiles } from './synth-args';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'winclip-eval-musc-'));
const DATA = join(tmp, 'mvtec');
const S = 48;
const CATEGORIES = ['fabric', 'washer'];

/** `npx winclip`, as the README runs it: once, for the synthetic set. */
async function npxWinclip(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec('npx', ['--no-install', 'winclip', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
}

/** The rest runs the CLI's main in this process (test/run-cli.ts): the same code without a Node start. */
const winclip = winclipOk;

type Metrics = Record<string, number>;
interface Run {
  scores: { file: string; label: number; image_score: number }[];
  image: Metrics;
  pixel: Metrics;
  pixel_eval: { pixels: number; exact: boolean };
}
interface EvalJson {
  method: string;
  musc: { protocol: string; divide: number; pairs_computed: number; rscin_k: number[]; layers: number[] };
  categories: Record<string, Record<string, { runs: Run[] }>>;
  summary: Record<string, { mean: { image: Metrics; pixel: Metrics } }>;
}

const MUSC_ARGS = ['--method', 'musc', '--layers', '0,1', '--size', String(S)];

async function evaluate(extra: string[], name: string): Promise<{ stdout: string; json: EvalJson }> {
  const out = join(tmp, name);
  const { stdout } = await winclip([
    'eval',
    '--data',
    DATA,
    '--dataset',
    'mvtec',
    '--model',
    FIXTURE_DIR,
    ...MUSC_ARGS,
    '--out',
    out,
    ...extra,
  ]);
  return { stdout, json: JSON.parse(await readFile(out, 'utf8')) };
}

/** The pixel AUROC over every pixel of `images`, brute force, against the eval's figure. */
function closePixelAuroc(auroc: number, images: { map: number[]; mask: number[] }[]): void {
  close(
    auroc,
    bruteAuroc(
      images.flatMap((i) => i.map),
      images.flatMap((i) => i.mask),
    ),
    'pAUROC',
  );
}

/** test/<defect>/<name> in MuSc's order: sorted anomaly-type folders, then sorted file names. */
const testFiles = (category: string): string[] => synthTestFiles(DATA, category).map((t) => t.file);

/** The mask as MuSc reads it at S = the image size: no resize, ÷255 and truncation keep only 255. */
async function maskOf(category: string, file: string, threshold: (v: number) => boolean): Promise<number[]> {
  const [, defect, name] = file.split('/');
  if (defect === 'good') return new Array(S * S).fill(0);
  const path = join(DATA, category, 'ground_truth', defect, name.replace('.png', '_mask.png'));
  const px = await sharp(path).extractChannel(0).raw().toBuffer();
  expect(px.length).toBe(S * S);
  return Array.from(px, (v) => (threshold(v) ? 1 : 0));
}

/** AP from the list sorted by descending score: Σ (R_n − R_{n−1}) P_n at each distinct score. */
function apFromSortedList(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = labels.reduce((a, b) => a + b, 0);
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let k = 0; k < order.length; k++) {
    tp += labels[order[k]];
    seen++;
    if (k + 1 < order.length && scores[order[k + 1]] === scores[order[k]]) continue;
    ap += (tp / positives - prevRecall) * (tp / seen);
    prevRecall = tp / positives;
  }
  return ap;
}

/** F1-max over the same thresholds (precision_recall_curve's points; tp = 0 gives F1 0). */
function f1FromSortedList(scores: number[], labels: number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const positives = labels.reduce((a, b) => a + b, 0);
  let tp = 0;
  let best = 0;
  for (let k = 0; k < order.length; k++) {
    tp += labels[order[k]];
    if (k + 1 < order.length && scores[order[k + 1]] === scores[order[k]]) continue;
    const p = tp / (k + 1);
    const r = tp / positives;
    if (tp > 0) best = Math.max(best, (2 * p * r) / (p + r));
  }
  return best;
}

let engine: WinclipEngine;
let settings: MuscSettings;

/** Own lots on the same device: per image its final score (RsCIN over `subsets` together), max and map. */
async function directLots(category: string, subsets: string[][], lotSettings = settings, root = DATA) {
  const out: { file: string; score: number; max: number; map: Float32Array }[] = [];
  const tokens: Float32Array[] = [];
  for (const files of subsets) {
    const lot = new MuscLot(engine.muscDevice(), lotSettings);
    for (const f of files) {
      const t = await engine
        .muscDevice()
        .encodeTokens(await decodeImageFile(join(root, category, f)), S, [0, 1]);
      tokens.push(t.classToken);
      await lot.addTokens(f, t);
    }
    const r = lot.scores();
    if (!r.ready) throw new Error(r.message);
    for (const im of r.images)
      out.push({ file: im.key, score: im.imageScore, max: im.maxScore, map: im.map });
  }
  const final = rscin(
    out.map((o) => o.max),
    tokens,
    lotSettings.rscinK,
  ).score;
  return out.map((o, i) => ({ ...o, score: final[i] }));
}

function close(got: number, want: number, what: string): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThan(1e-6);
}

let musc: { stdout: string; json: EvalJson };

beforeAll(async () => {
  await npxWinclip(synthArgs({ out: DATA, categories: CATEGORIES, train: 1, good: 4, bad: 6, size: S }));
  engine = await createNodeEngine(FIXTURE_DIR, {}, {}, { lotMode: true });
  settings = muscSettings({ blocks: 2, imageSize: 240, patchSize: 16 }, { layers: [0, 1], size: S });
  musc = await evaluate(['--protocol', 'musc'], 'musc.json');
});
afterAll(async () => {
  await engine?.dispose();
});

describe('winclip eval --method musc --protocol musc', () => {
  it('matches MuSc’s formulas computed directly on the same maps and masks', async () => {
    const j = musc.json;
    expect(j.method).toBe('musc');
    expect(j.musc).toMatchObject({ protocol: 'musc', divide: 1, layers: [0, 1], rscin_k: [1, 2, 3] });
    // One lot of 10 per category: 45 pairs each.
    expect(j.musc.pairs_computed).toBe(2 * 45);
    expect(Object.keys(j.categories)).toEqual(CATEGORIES);
    for (const category of CATEGORIES) {
      const run = j.categories[category]['0'].runs[0];
      const files = testFiles(category);
      expect(run.scores.map((s) => s.file)).toEqual(files);
      const direct = await directLots(category, [files]);
      const labels = files.map((f) => (f.includes('/good/') ? 0 : 1));
      for (const [i, d] of direct.entries())
        close(run.scores[i].image_score, d.score, `${category} ${d.file} score`);
      const scores = direct.map((d) => d.score);
      close(run.image.auroc, bruteAuroc(scores, labels), `${category} image AUROC`);
      close(run.image.aupr, apFromSortedList(scores, labels), `${category} image AP`);
      close(run.image.f1_max, f1FromSortedList(scores, labels), `${category} image F1`);

      const images: MuscBruteImage[] = [];
      for (const d of direct)
        images.push({
          map: Array.from(d.map),
          mask: await maskOf(category, d.file, (v) => v === 255),
          w: S,
          h: S,
        });
      const px = images.flatMap((im) => im.map);
      const gt = images.flatMap((im) => im.mask);
      expect(run.pixel_eval).toMatchObject({ pixels: 10 * S * S, exact: true });
      close(run.pixel.auroc, bruteAuroc(px, gt), `${category} pixel AUROC`);
      close(run.pixel.aupr, apFromSortedList(px, gt), `${category} pixel AP`);
      close(run.pixel.f1_max, f1FromSortedList(px, gt), `${category} pixel F1`);
      close(run.pixel.pro, bruteMuscPro(images), `${category} PRO`);
    }
    const mean = (k: 'image' | 'pixel', m: string) =>
      CATEGORIES.reduce((a, c) => a + j.categories[c]['0'].runs[0][k][m], 0) / CATEGORIES.length;
    close(j.summary['0'].mean.image.auroc, mean('image', 'auroc'), 'mean image AUROC');
    close(j.summary['0'].mean.pixel.pro, mean('pixel', 'pro'), 'mean PRO');
  });

  it('prints the WinCLIP tables with a MuSc column and pixel AP', () => {
    const s = musc.stdout;
    for (const title of ['AUROC', 'AUPR', 'F1-max', 'pAUROC', 'PRO', 'pAUPR'])
      expect(s).toMatch(new RegExp(`^${title}\\s+MuSc$`, 'm'));
    const pct = (x: number) => (100 * x).toFixed(1);
    const washer = musc.json.categories.washer['0'].runs[0];
    expect(s).toContain(`Washer         ${pct(washer.image.auroc)}±0.0`);
    expect(s).toMatch(/^0-shot\s+MuSc\s+(\d+\.\d±0\.0\s*){4}$/m);
  });
});

describe('winclip eval --method musc, other protocols and splits', () => {
  it('--divide 2 scores the official subsets as two lots, then RsCIN over the category', async () => {
    const { json } = await evaluate(
      ['--protocol', 'musc', '--divide', '2', '--categories', 'washer'],
      'div.json',
    );
    // MuSc's sub_datasets with seed 42 on these paths, printed by CPython.
    const subsets = [
      ['good/002', 'good/003', 'hole/001', 'scratch/001', 'stain/001'],
      ['good/001', 'good/000', 'hole/000', 'scratch/000', 'stain/000'],
    ].map((s) => s.map((f) => `test/${f}.png`));
    const run = json.categories.washer['0'].runs[0];
    expect(run.scores.map((x) => x.file)).toEqual(subsets.flat());
    expect(json.musc.pairs_computed).toBe(2 * 10);
    const direct = await directLots('washer', subsets);
    for (const [i, d] of direct.entries()) close(run.scores[i].image_score, d.score, `${d.file} score`);
  });

  it('--protocol default scores with the WinCLIP metrics', async () => {
    const { json } = await evaluate(['--categories', 'washer'], 'default.json');
    expect(json.musc.protocol).toBe('default');
    const run = json.categories.washer['0'].runs[0];
    expect(Object.keys(run.pixel).sort()).toEqual(['auroc', 'f1_max', 'pro']);
    const direct = await directLots('washer', [testFiles('washer')]);
    const images = [];
    for (const d of direct)
      images.push({ map: Array.from(d.map), mask: await maskOf('washer', d.file, (v) => v > 0), w: S, h: S });
    closePixelAuroc(run.pixel.auroc, images);
    close(run.pixel.pro, brutePro(images), 'PRO');
  });

  it('reads VisA: split-file order, RsCIN k = 1,8,9, masks positive where non-zero after the resize', async () => {
    const visa = join(tmp, 'visa');
    await winclip(
      synthArgs({ out: visa, layout: 'visa', categories: ['pcb1'], train: 1, good: 5, bad: 5, size: S }),
    );
    const out = join(tmp, 'visa.json');
    await winclip(
      ['eval', '--data', visa, '--dataset', 'visa', '--model', FIXTURE_DIR, ...MUSC_ARGS].concat([
        '--protocol',
        'musc',
        '--out',
        out,
      ]),
    );
    const json: EvalJson = JSON.parse(await readFile(out, 'utf8'));
    expect(json.musc.rscin_k).toEqual([1, 8, 9]);
    const rows = (await readFile(join(visa, 'split_csv/1cls.csv'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split(','))
      .filter((r) => r[1] === 'test');
    const files = rows.map((r) => r[3].replace('pcb1/', ''));
    const run = json.categories.pcb1['0'].runs[0];
    expect(run.scores.map((x) => x.file)).toEqual(files);
    const visaSettings = { ...settings, rscinK: [1, 8, 9] };
    const direct = await directLots('pcb1', [files], visaSettings, visa);
    for (const [i, d] of direct.entries()) close(run.scores[i].image_score, d.score, `${d.file} score`);
    const images: MuscBruteImage[] = [];
    for (const [i, d] of direct.entries()) {
      const mask = rows[i][4]
        ? Array.from(await sharp(join(visa, rows[i][4])).extractChannel(0).raw().toBuffer(), (v) =>
            v > 0 ? 1 : 0,
          )
        : new Array(S * S).fill(0);
      images.push({ map: Array.from(d.map), mask, w: S, h: S });
    }
    // The synthetic VisA masks hold class indices (1, 2, …): truncation after ÷255 would drop them all.
    expect(images.some((im) => im.mask.some((m) => m === 1))).toBe(true);
    closePixelAuroc(run.pixel.auroc, images);
    close(run.pixel.pro, bruteMuscPro(images), 'PRO');
  });

  it('refuses WinCLIP-only flags, lot flags without --method musc, and bad lot settings', async () => {
    const base = ['eval', '--data', DATA, '--dataset', 'mvtec', '--model', FIXTURE_DIR];
    await expect(winclip([...base, ...MUSC_ARGS, '--shots', '0'])).rejects.toThrow(
      /--shots: not used by --method musc/,
    );
    await expect(winclip([...base, '--divide', '2'])).rejects.toThrow(/--divide needs --method musc/);
    await expect(winclip([...base, ...MUSC_ARGS, '--r-list', '2'])).rejects.toThrow(
      /eval: lot mode settings: r list must be distinct odd/,
    );
    await expect(winclip([...base, ...MUSC_ARGS, '--protocol', 'x'])).rejects.toThrow(
      /--protocol must be default or musc/,
    );
    await expect(winclip([...base, ...MUSC_ARGS, '--divide', '3', '--categories', 'washer'])).rejects.toThrow(
      /washer: lot 2\/3: the lot mode needs at least 5 images; 1 more to go/,
    );
  });
});
