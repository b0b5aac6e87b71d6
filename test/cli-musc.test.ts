/** Runs `winclip score --method musc` (the lot mode) as a user would, on the tiny fixture model. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpyFloat32 } from '../src/io/npy';
import { FIXTURE_DIR } from './fixture';
import { lotDiffs, MUSC_BATCH, type MuscReference } from './musc-fixture';
import { resultsErrors } from './results-schema';
import { winclip } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'winclip-musc-'));
const batch = MUSC_BATCH.map((n) => join(FIXTURE_DIR, `${n}.png`));

interface LotRecord {
  file: string;
  width: number;
  height: number;
  image_score: number;
  max_score: number;
  map_width: number;
  map_height: number;
  verdict?: string;
  anomaly_map: number[];
}

const lotArgs = (...extra: string[]) => [
  'score',
  '--model',
  FIXTURE_DIR,
  '--method',
  'musc',
  '--layers',
  '0,1',
  ...extra,
];

/** Largest difference of the records' scores and maps from the reference. */
function diffs(ref: MuscReference, images: LotRecord[]) {
  return lotDiffs(ref, {
    imageScores: images.map((o) => o.image_score),
    maxScores: images.map((o) => o.max_score),
    maps: images.map((o) => o.anomaly_map),
  });
}

describe('winclip score --method musc', () => {
  it('reproduces the reference lot: RsCIN scores, max scores and S×S maps, with a verdict on the max score', async () => {
    const out = join(tmp, 'lot.json');
    const csv = join(tmp, 'lot.csv');
    const maps = join(tmp, 'maps');
    const r = await winclip(
      lotArgs('--out', out, '--csv', csv, '--maps', maps, '--image-threshold', '0.6', ...batch),
    );
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(resultsErrors(doc)).toEqual([]);
    expect(doc.method).toEqual({
      mode: 'lot',
      k: 0,
      n: 6,
      layers: [0, 1],
      size: 240,
      r_list: [1, 3, 5],
      interval: [0, 0.3],
      rscin_k: [1, 2, 3],
    });
    expect(doc.thresholds).toEqual({ image: 0.6, pixel: null, mode: 'lot', source: 'flag' });
    const images: LotRecord[] = doc.images;
    expect(images.map((o) => o.file)).toEqual(batch);
    expect(images.map((o) => [o.width, o.height, o.map_width, o.map_height])[4]).toEqual([
      640, 400, 240, 240,
    ]);
    const d = diffs('reference', images);
    expect(d.rscin).toBeLessThan(1e-5);
    expect(d.ac).toBeLessThan(1e-5);
    expect(d.maps).toBeLessThan(1e-4);
    // The threshold applies to the max score (before RsCIN), not to the lot-normalised image score.
    expect(images.map((o) => o.verdict)).toEqual(images.map((o) => (o.max_score >= 0.6 ? 'NG' : 'OK')));
    expect(images.map((o) => o.verdict)).toEqual(['NG', 'OK', 'OK', 'OK', 'OK', 'NG']);
    const rows = readFileSync(csv, 'utf8').split('\r\n');
    expect(rows[0]).toBe(
      'file,width,height,image_score,max_score,map_width,map_height,verdict,model,weights,prompt_set,error',
    );
    expect(rows[5].split(',').slice(1, 3)).toEqual(['640', '400']);
    // --maps: the map resized to the image, for display.
    const npy = parseNpyFloat32(readFileSync(join(maps, 'test_c.png.npy')));
    expect(npy.shape).toEqual([400, 640]);
  });

  it('reproduces the reference at --size 320 (positional embedding resized)', async () => {
    const r = await winclip(lotArgs('--size', '320', '--print-maps', ...batch));
    expect([r.code, r.stderr]).toEqual([0, '']);
    const doc = JSON.parse(r.stdout);
    expect(doc.images[0].map_width).toBe(320);
    const d = diffs('reference-320', doc.images);
    expect(d.rscin).toBeLessThan(1e-5);
    expect(d.ac).toBeLessThan(1e-5);
    expect(d.maps).toBeLessThan(1e-4);
  });

  it('says in one line how many more images a lot too small needs (exit 1)', async () => {
    const r = await winclip(lotArgs(...batch.slice(0, 3)));
    expect([r.code, r.stdout, r.stderr]).toEqual([
      1,
      '',
      'winclip: the lot mode needs at least 5 images; 2 more to go\n',
    ]);
  });

  it.each([
    [['--r-list', '1,2'], 'lot mode settings: r list must be distinct odd integers ≥ 1, got [1, 2]'],
    [['--size', '250'], 'lot mode settings: size must be a positive multiple of the patch size 16, got 250'],
    [['--layers', '0,2'], 'lot mode settings: layers must be distinct integers from 0 to 1, got [0, 2]'],
    [['--interval', '0.3'], "--interval must be two numbers lo,hi, got '0.3'"],
    [
      ['--interval', '0.3,0.1'],
      'lot mode settings: interval must be two numbers 0 ≤ lo < hi ≤ 1, got [0.3, 0.1]',
    ],
    [['--rscin-k', '1,x'], "--rscin-k must be a comma-separated list of integers, got '1,x'"],
    [['--method', 'lot'], "--method must be one of winclip, musc, got 'lot'"],
    [['--object', 'bottle'], '--object does not apply to --method musc (the lot mode)'],
  ])('refuses %j as a usage error (exit 2)', async (flags, message) => {
    const r = await winclip(lotArgs(...flags, ...batch));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`winclip: score: ${message} (see winclip score --help)\n`);
  });

  it('refuses the lot flags with WinCLIP', async () => {
    const r = await winclip(['score', '--model', FIXTURE_DIR, '--r-list', '1', batch[0]]);
    expect([r.code, r.stderr]).toEqual([
      2,
      'winclip: score: --r-list needs --method musc (see winclip score --help)\n',
    ]);
  });
});
