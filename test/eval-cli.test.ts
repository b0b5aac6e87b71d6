/**
 * End to end: `npx winclip synth` writes a small synthetic benchmark, `npx winclip eval` evaluates it with
 * the fixture model (zero-shot and 1-shot, 2 seeds); the printed tables and the JSON are checked, and the
 * JSON's metrics are recomputed from its own per-image scores.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageMetrics } from '../src/core/metrics';
import { mean, std } from '../src/eval/results';
import { FIXTURE_DIR } from './fixture';
import { winclipOk } from './run-cli';
import { synthArgs, synthTestFiles } from './synth-args';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'winclip-eval-'));
const DATA = join(tmp, 'mvtec');
const CACHE = join(tmp, 'cache');

/** `npx winclip`, as the README runs it: once, for the synthetic set. */
async function npxWinclip(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return exec('npx', ['--no-install', 'winclip', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
}

/** The rest runs the CLI's main in this process (test/run-cli.ts): the same code without a Node start. */
const winclip = winclipOk;

/** `eval` of the synthetic MVTec-layout set with the fixture model. */
const EVAL_MVTEC = ['eval', '--data', DATA, '--dataset', 'mvtec', '--model', FIXTURE_DIR];

async function evaluate(extra: string[], out: string): Promise<{ stdout: string; json: EvalJson }> {
  const { stdout } = await winclip([...EVAL_MVTEC, '--cache', CACHE, '--out', out, ...extra]);
  return { stdout, json: JSON.parse(await readFile(out, 'utf8')) };
}

type Metrics = Record<string, number>;
interface Run {
  seed: number;
  refs: string[];
  scores: { file: string; label: number; image_score: number }[];
  image: Metrics;
  pixel: Metrics | null;
  pixel_eval?: { pixels: number; exact: boolean; auroc_error_bound: number };
}
interface ShotResult {
  runs: Run[];
  mean: { image: Metrics; pixel: Metrics | null };
  std: { image: Metrics; pixel: Metrics | null };
}
interface EvalJson {
  dataset: string;
  model: string;
  ablation: string;
  object_names: Record<string, string>;
  categories: Record<string, Record<string, ShotResult>>;
  summary: Record<string, { mean: { image: Metrics }; std: { image: Metrics }; categories: number }>;
  stats: { images_encoded: number; features_from_cache: number };
}

/** Test files of a category as the JSON should list them: test/<defect>/<name>, label 0 for good. */
const testFiles = (category: string) => synthTestFiles(DATA, category);

const inUnit = (x: number) => expect(x >= 0 && x <= 1, `${x} in [0, 1]`).toBe(true);

let first: { stdout: string; json: EvalJson };

beforeAll(async () => {
  const { stdout } = await npxWinclip(
    synthArgs({ out: DATA, categories: ['washer', 'fabric'], train: 3, good: 3, bad: 3, size: 48 }),
  );
  expect(stdout).toContain('washer: 3 train, 3 test good, 1 scratch, 1 hole, 1 stain');
  first = await evaluate(['--shots', '0,1', '--seeds', '2'], join(tmp, 'out.json'));
});

describe('winclip eval on a synthetic MVTec-AD set', () => {
  it('prints the class-wise and summary tables', () => {
    const s = first.stdout;
    for (const title of ['AUROC', 'AUPR', 'F1-max', 'pAUROC', 'PRO'])
      expect(s).toMatch(new RegExp(`^${title}\\s+WinCLIP\\s+WinCLIP\\+$`, 'm'));
    expect(s).toMatch(/^MVTec-AD \(AC\)\s+K = 0\s+K = 1$/m);
    expect(s).toMatch(/^MVTec-AD \(AS\)\s+K = 0\s+K = 1$/m);
    expect(s).toMatch(/^Washer\s+\d+\.\d±\d+\.\d\s+\d+\.\d±\d+\.\d$/m);
    expect(s).toMatch(/^Fabric\s+\d+\.\d±\d+\.\d\s+\d+\.\d±\d+\.\d$/m);
    expect(s).toContain('Anomaly Classification (MVTec-AD)');
    expect(s).toContain('Anomaly Segmentation (MVTec-AD)');
    expect(s).toMatch(/^0-shot\s+WinCLIP\s+(\d+\.\d±\d+\.\d\s*){3}$/m);
    expect(s).toMatch(/^1-shot\s+WinCLIP\+\s+(\d+\.\d±\d+\.\d\s*){3}$/m);
  });

  it('writes JSON of the documented shape, listing every test image', () => {
    const j = first.json;
    expect(j.dataset).toBe('mvtec');
    expect(j.model).toBe(FIXTURE_DIR);
    expect(Object.keys(j.categories)).toEqual(['fabric', 'washer']);
    for (const cat of ['fabric', 'washer']) {
      const byShots = j.categories[cat];
      expect(Object.keys(byShots)).toEqual(['0', '1']);
      expect(byShots['0'].runs.map((r) => [r.seed, r.refs])).toEqual([[0, []]]);
      expect(byShots['1'].runs.map((r) => r.seed)).toEqual([0, 1]);
      for (const [k, res] of Object.entries(byShots)) {
        for (const r of res.runs) {
          expect(r.refs).toHaveLength(Number(k));
          for (const ref of r.refs) expect(ref).toMatch(/^train\/good\/00[0-2]\.png$/);
          expect(r.scores.map(({ file, label }) => ({ file, label }))).toEqual(testFiles(cat));
          for (const s of r.scores) expect(Number.isFinite(s.image_score)).toBe(true);
          for (const v of [...Object.values(r.image), ...Object.values(r.pixel!)]) inUnit(v);
          expect(Object.keys(r.image).sort()).toEqual(['aupr', 'auroc', 'f1_max']);
          expect(Object.keys(r.pixel!).sort()).toEqual(['auroc', 'f1_max', 'pro']);
          expect(r.pixel_eval).toMatchObject({ pixels: 6 * 48 * 48, exact: true, auroc_error_bound: 0 });
        }
      }
    }
    expect(j.summary['1'].categories).toBe(2);
    expect(j.object_names).toEqual({ fabric: 'fabric', washer: 'washer' });
  });

  it('reports metrics that follow from its own scores', () => {
    for (const byShots of Object.values(first.json.categories)) {
      for (const res of Object.values(byShots)) {
        for (const r of res.runs) {
          const m = imageMetrics(
            r.scores.map((s) => s.image_score),
            r.scores.map((s) => s.label),
          );
          expect(r.image.auroc).toBeCloseTo(m.auroc, 12);
          expect(r.image.aupr).toBeCloseTo(m.aupr, 12);
          expect(r.image.f1_max).toBeCloseTo(m.f1_max, 12);
        }
        for (const key of ['auroc', 'aupr', 'f1_max']) {
          const xs = res.runs.map((r) => r.image[key]);
          expect(res.mean.image[key]).toBeCloseTo(mean(xs), 12);
          expect(res.std.image[key]).toBeCloseTo(std(xs), 12);
        }
        const pros = res.runs.map((r) => r.pixel!.pro);
        expect(res.mean.pixel!.pro).toBeCloseTo(mean(pros), 12);
      }
    }
    const cats = Object.values(first.json.categories);
    expect(first.json.summary['1'].mean.image.auroc).toBeCloseTo(
      mean(cats.map((c) => c['1'].mean.image.auroc)),
      12,
    );
    expect(first.json.summary['1'].std.image.auroc).toBeCloseTo(
      mean(cats.map((c) => c['1'].std.image.auroc)),
      12,
    );
  });

  it('reuses cached features on a rerun and reproduces every score', async () => {
    expect(first.json.stats.images_encoded).toBeGreaterThanOrEqual(2 * 7);
    expect(first.json.stats.features_from_cache).toBe(0);
    const again = await evaluate(['--shots', '0,1', '--seeds', '2'], join(tmp, 'again.json'));
    expect(again.json.stats.images_encoded).toBe(0);
    expect(again.json.stats.features_from_cache).toBe(first.json.stats.images_encoded);
    expect(again.json.categories).toEqual(first.json.categories);
  });

  it('reports each phase on stderr when piped, and nothing with --quiet', async () => {
    const args = [...EVAL_MVTEC, '--cache', CACHE];
    const small = ['--categories', 'washer', '--shots', '0', '--seeds', '1', '--out', join(tmp, 'q.json')];
    const loud = await winclip([...args, ...small]);
    expect(loud.stderr).toMatch(
      /^\[1\/1\] washer: features: 6\/6 images in \d+:\d\d \(0 encoded, 6 from cache\)$/m,
    );
    expect(loud.stderr).toMatch(/^\[1\/1\] washer: scoring: 6\/6 images in /m);
    expect(loud.stderr).toContain(`wrote ${join(tmp, 'q.json')}\n`);
    const quiet = await winclip([...args, ...small, '--quiet']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(loud.stdout);
  });

  it('takes fixed draws from --refs, object names from --object-names, and evaluates at --pixel-size', async () => {
    const refs = join(tmp, 'refs.json');
    writeFileSync(
      refs,
      JSON.stringify({ washer: { '1': { '0': ['train/good/002.png'], '3': ['train/good/000.png'] } } }),
    );
    const names = join(tmp, 'names.json');
    writeFileSync(names, JSON.stringify({ washer: 'metal washer' }));
    const { json } = await evaluate(
      [
        '--categories',
        'washer',
        '--shots',
        '1',
        '--refs',
        refs,
        '--object-names',
        names,
        '--pixel-size',
        '24',
      ],
      join(tmp, 'refs-out.json'),
    );
    expect(Object.keys(json.categories)).toEqual(['washer']);
    expect(json.categories.washer['1'].runs.map((r) => [r.seed, r.refs])).toEqual([
      [0, ['train/good/002.png']],
      [3, ['train/good/000.png']],
    ]);
    expect(json.object_names).toEqual({ washer: 'metal washer' });
    expect(json.categories.washer['1'].runs[0].pixel_eval?.pixels).toBe(6 * 24 * 24);
  });

  it('runs the one-class ablation as classification only, and refuses it few-shot', async () => {
    const { stdout, json } = await evaluate(
      ['--shots', '0', '--ablation', 'one-class'],
      join(tmp, 'one.json'),
    );
    expect(json.ablation).toBe('one-class');
    for (const c of Object.values(json.categories)) {
      expect(c['0'].runs[0].pixel).toBeNull();
      inUnit(c['0'].runs[0].image.auroc);
    }
    expect(stdout).toContain('WinCLIP [one-class]');
    expect(stdout).not.toContain('pAUROC');
    await expect(
      evaluate(['--shots', '0,1', '--ablation', 'one-class'], join(tmp, 'x.json')),
    ).rejects.toThrow(/zero-shot only/);
  });

  it('reads the VisA layout', async () => {
    const visa = join(tmp, 'visa');
    await winclip(
      synthArgs({ out: visa, layout: 'visa', categories: ['pcb1'], train: 2, good: 2, bad: 2, size: 32 }),
    );
    const out = join(tmp, 'visa.json');
    const { stdout } = await winclip([
      'eval',
      '--data',
      visa,
      '--dataset',
      'visa',
      '--model',
      FIXTURE_DIR,
      '--shots',
      '0,1',
      '--seeds',
      '1',
      '--no-cache',
      '--out',
      out,
    ]);
    expect(stdout).toMatch(/^VisA \(AC\)\s+K = 0\s+K = 1$/m);
    expect(stdout).toMatch(/^PCB1\s/m);
    const json: EvalJson = JSON.parse(await readFile(out, 'utf8'));
    expect(json.object_names).toEqual({ pcb1: 'printed circuit board' });
    const run = json.categories.pcb1['1'].runs[0];
    expect(run.refs[0]).toMatch(/^Data\/Images\/Normal\/000[01]\.png$/);
    expect(run.scores.map((s) => [s.file, s.label])).toEqual([
      ['Data/Images/Normal/0002.png', 0],
      ['Data/Images/Normal/0003.png', 0],
      ['Data/Images/Anomaly/000.png', 1],
      ['Data/Images/Anomaly/001.png', 1],
    ]);
  });

  it('fails with a clear message on bad arguments', async () => {
    await expect(
      winclip(['eval', '--data', DATA, '--dataset', 'kitti', '--model', FIXTURE_DIR]),
    ).rejects.toThrow(/--dataset must be mvtec or visa/);
    await expect(winclip([...EVAL_MVTEC, '--categories', 'nope', '--no-cache'])).rejects.toThrow(
      /category 'nope' not found/,
    );
    await expect(winclip([...EVAL_MVTEC, '--ablation', 'x'])).rejects.toThrow(/unknown --ablation/);
  });
});
