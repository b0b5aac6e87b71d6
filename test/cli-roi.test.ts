/**
 * `winclip score` with an inspection region (--roi), don't-care boxes (--ignore) and the verdict policy
 * (--review-threshold, --min-region-area), run as a user would on the fixture model. Parity is with the
 * same images cropped to the box by an independent tool (sharp), written as PNGs in a temp folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { serializeRecipe } from '../src/core/recipe';
import { FIXTURE_DIR, fixturePrompts, maxAbsDiff } from './fixture';
import { resultsErrors } from './results-schema';
import { fixtureRecipe, fixtureScoreArgs, SCORED_FIELDS, winclip } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'winclip-roi-'));
const promptsFile = join(tmp, 'prompts.json');
writeFileSync(promptsFile, JSON.stringify(fixturePrompts));
const img = (f: string) => join(FIXTURE_DIR, f);

interface XYWH {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface Region {
  box: [number, number, number, number];
  area: number;
  area_percent: number;
  peak: number;
}
interface Rec {
  file: string;
  width: number;
  height: number;
  roi?: XYWH;
  image_score: number;
  verdict?: string;
  max_pixel?: number | null;
  regions?: Region[];
  anomaly_map?: number[];
  error?: string;
}
interface Out {
  thresholds: Record<string, unknown>;
  inspection?: { roi: XYWH | null; ignore: unknown[] };
  images: Rec[];
}

const scoreArgs = (...extra: string[]) => fixtureScoreArgs(promptsFile, ...extra);

async function score(extra: string[], stderr = ''): Promise<Out> {
  const r = await winclip(scoreArgs(...extra));
  expect(r.stderr).toBe(stderr);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(resultsErrors(out)).toEqual([]);
  return out;
}

const boxArg = (b: XYWH) => `${b.x},${b.y},${b.width},${b.height}`;

/** The fixture image cropped to `b` by sharp, as a PNG in the temp folder. */
async function cropped(file: string, b: XYWH): Promise<string> {
  const out = join(tmp, `${file}.${boxArg(b).replaceAll(',', '_')}.png`);
  await sharp(img(file)).extract({ left: b.x, top: b.y, width: b.width, height: b.height }).png().toFile(out);
  return out;
}

const inside = (x: number, y: number, b: XYWH) =>
  x + 0.5 >= b.x && x + 0.5 < b.x + b.width && y + 0.5 >= b.y && y + 0.5 < b.y + b.height;

/** Max and count at or above t over the pixels of a w×h map (at `at` in the image) outside the boxes. */
function outside(map: number[], w: number, at: XYWH | { x: 0; y: 0 }, boxes: XYWH[], t: number) {
  let max = Number.NEGATIVE_INFINITY;
  let above = 0;
  map.forEach((v, i) => {
    const x = (i % w) + at.x;
    const y = Math.floor(i / w) + at.y;
    if (boxes.some((b) => inside(x, y, b))) return;
    if (v > max) max = v;
    if (v >= t) above++;
  });
  return { max, above };
}

const within = (r: Region, b: XYWH) =>
  r.box[0] >= b.x && r.box[1] >= b.y && r.box[2] <= b.x + b.width && r.box[3] <= b.y + b.height;

describe('score --roi', () => {
  it('zero-shot: the same score and map as the image cropped to the box', async () => {
    const cases: [string, XYWH][] = [
      ['test_c.png', { x: 100, y: 50, width: 300, height: 200 }],
      ['test_b.png', { x: 20, y: 30, width: 200, height: 240 }],
    ];
    for (const [file, roi] of cases) {
      const viaRoi = (await score(['--print-maps', '--roi', boxArg(roi), img(file)])).images[0];
      const viaCrop = (await score(['--print-maps', await cropped(file, roi)])).images[0];
      const meta = await sharp(img(file)).metadata();
      expect([viaRoi.width, viaRoi.height, viaRoi.roi]).toEqual([meta.width, meta.height, roi]);
      expect(viaRoi.anomaly_map).toHaveLength(roi.width * roi.height);
      expect(Math.abs(viaRoi.image_score - viaCrop.image_score)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(viaRoi.anomaly_map!, viaCrop.anomaly_map!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('few-shot: references of the image size are cropped too, others used whole (with a note)', async () => {
    const roi = { x: 10, y: 20, width: 200, height: 180 };
    const r = await winclip(
      scoreArgs(
        '--print-maps',
        '--roi',
        boxArg(roi),
        '--ref',
        img('ref_1.png'),
        '--ref',
        img('ref_2.png'),
      ).concat(img('test_a.png'), img('test_c.png')),
    );
    expect(r.code).toBe(0);
    const notes = r.stderr.trim().split('\n');
    // ref_2 is 240×240 like test_a: cropped for it, whole for test_c (640×400); ref_1 (260×260) always whole.
    expect(notes).toEqual([
      `winclip: note: ${img('ref_1.png')}: the reference is 260×260, not 240×240 like the image, so it is used whole (the inspection region 10,20,200,180 is not applied to it)`,
      `winclip: note: ${img('ref_1.png')}: the reference is 260×260, not 640×400 like the image, so it is used whole (the inspection region 10,20,200,180 is not applied to it)`,
      `winclip: note: ${img('ref_2.png')}: the reference is 240×240, not 640×400 like the image, so it is used whole (the inspection region 10,20,200,180 is not applied to it)`,
    ]);
    const [a, c] = (JSON.parse(r.stdout) as Out).images;
    const ref2 = await cropped('ref_2.png', roi);
    const wantA = (
      await score([
        '--print-maps',
        '--ref',
        img('ref_1.png'),
        '--ref',
        ref2,
        await cropped('test_a.png', roi),
      ])
    ).images[0];
    const wantC = (
      await score([
        '--print-maps',
        '--ref',
        img('ref_1.png'),
        '--ref',
        img('ref_2.png'),
        await cropped('test_c.png', roi),
      ])
    ).images[0];
    for (const [got, want] of [
      [a, wantA],
      [c, wantC],
    ]) {
      expect(Math.abs(got.image_score - want.image_score)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(got.anomaly_map!, want.anomaly_map!)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('an ROI the image cannot hold fails that image with the file and the sizes', async () => {
    const r = await winclip(scoreArgs('--roi', '100,50,300,200', img('test_a.png'), img('test_c.png')));
    expect(r.code).toBe(1);
    const msg = `${img('test_a.png')}: The 240×240 image is smaller than the inspection region 100,50,300,200 (it needs at least 400×250)`;
    expect(r.stderr).toContain(`winclip: ${msg}\n`);
    const out: Out = JSON.parse(r.stdout);
    expect(out.images[0]).toEqual({ file: img('test_a.png'), error: msg });
    expect(out.images[1].image_score).toBeGreaterThan(0);
  });

  it('without --roi and --ignore the output is as before; a whole-image ROI gives the same numbers', async () => {
    const csv = join(tmp, 'plain.csv');
    const plain = await score([
      '--print-maps',
      '--image-threshold',
      '0.5',
      '--pixel-threshold',
      '0.53',
      '--csv',
      csv,
      img('test_c.png'),
    ]);
    expect(plain.inspection).toBeUndefined();
    expect(Object.keys(plain.thresholds)).toEqual(['image', 'pixel', 'mode', 'source']);
    expect(Object.keys(plain.images[0])).toEqual([...SCORED_FIELDS, 'anomaly_map']);
    expect(readFileSync(csv, 'utf8').split('\r\n')[0]).toBe(
      'file,width,height,image_score,verdict,max_pixel,regions,top_region_left,top_region_top,top_region_right,top_region_bottom,top_region_area,top_region_area_percent,top_region_peak,top_region_state,model,weights,prompt_set,error',
    );
    const whole = await score([
      '--print-maps',
      '--image-threshold',
      '0.5',
      '--pixel-threshold',
      '0.53',
      '--roi',
      '0,0,640,400',
      '--csv',
      join(tmp, 'whole.csv'),
      img('test_c.png'),
    ]);
    const { roi, ...rest } = whole.images[0];
    expect(roi).toEqual({ x: 0, y: 0, width: 640, height: 400 });
    expect(rest).toEqual(plain.images[0]);
    expect(readFileSync(join(tmp, 'whole.csv'), 'utf8').split('\r\n')[0]).toMatch(
      /^file,width,height,roi_x,roi_y,roi_width,roi_height,image_score,/,
    );
  });
});

describe('score --ignore', () => {
  const t = 0.5346;
  const boxes: XYWH[] = [
    { x: 430, y: 190, width: 50, height: 70 },
    { x: 180, y: 150, width: 40, height: 40 },
  ];
  const ignoreArgs = boxes.flatMap((b) => ['--ignore', boxArg(b)]);

  it('zero-shot: max_pixel and regions leave the boxes out; the image score is unchanged', async () => {
    const base = (await score(['--print-maps', '--pixel-threshold', String(t), img('test_c.png')])).images[0];
    const out = await score(['--pixel-threshold', String(t), ...ignoreArgs, img('test_c.png')]);
    const rec = out.images[0];
    expect(out.inspection).toEqual({ roi: null, ignore: boxes.map((box) => ({ kind: 'rect', box })) });
    expect(rec.image_score).toBe(base.image_score);
    const want = outside(base.anomaly_map!, 640, { x: 0, y: 0 }, boxes, t);
    expect(rec.max_pixel).toBe(want.max);
    expect(rec.max_pixel!).toBeLessThan(base.max_pixel!);
    for (const r of rec.regions!) for (const b of boxes) expect(within(r, b)).toBe(false);
    // Every pixel above the threshold outside the boxes is in a listed region, and nothing else is.
    expect(rec.regions!.reduce((s, r) => s + r.area, 0)).toBe(want.above);
  });

  it('with an ROI: the boxes are in image pixels, region boxes too', async () => {
    const roi = { x: 150, y: 60, width: 400, height: 300 };
    const base = (
      await score(['--print-maps', '--pixel-threshold', String(t), '--roi', boxArg(roi), img('test_c.png')])
    ).images[0];
    const rec = (
      await score(['--pixel-threshold', String(t), '--roi', boxArg(roi), ...ignoreArgs, img('test_c.png')])
    ).images[0];
    const want = outside(base.anomaly_map!, roi.width, roi, boxes, t);
    expect(rec.max_pixel).toBe(want.max);
    expect(rec.regions!.reduce((s, r) => s + r.area, 0)).toBe(want.above);
    for (const r of rec.regions!) {
      expect(within(r, roi)).toBe(true);
      for (const b of boxes) expect(within(r, b)).toBe(false);
      expect(r.area_percent).toBeCloseTo((100 * r.area) / (roi.width * roi.height), 12);
    }
  });

  it("few-shot: the map's max term is taken outside the boxes (none left: half the zero-shot score)", async () => {
    const refs = ['--ref', img('ref_1.png'), '--ref', img('ref_2.png')];
    const zs = (await score([img('test_c.png')])).images[0].image_score;
    const fs = (await score([...refs, img('test_c.png')])).images[0].image_score;
    const part = (await score([...refs, ...ignoreArgs, img('test_c.png')])).images[0].image_score;
    expect(part).toBeLessThanOrEqual(fs);
    const all = (
      await score([...refs, '--pixel-threshold', '0', '--ignore', '0,0,640,400', img('test_c.png')])
    ).images[0];
    // Few-shot weight ½: (½·zero-shot + ½·0) per tile, so half the zero-shot score.
    expect(all.image_score).toBeCloseTo(zs / 2, 12);
    expect([all.max_pixel, all.regions]).toEqual([null, []]);
  });
});

describe('score verdict policy', () => {
  it('REVIEW from the review threshold (inclusive) up to the image threshold', async () => {
    const s = (await score([img('test_c.png')])).images[0].image_score;
    const verdict = async (image: number, review: number) =>
      (
        await score([
          '--image-threshold',
          String(image),
          '--review-threshold',
          String(review),
          img('test_c.png'),
        ])
      ).images[0].verdict;
    expect(await verdict(s + 0.001, s - 0.001)).toBe('REVIEW');
    expect(await verdict(s + 0.001, s)).toBe('REVIEW');
    expect(await verdict(s + 0.002, s + 0.001)).toBe('OK');
    expect(await verdict(s, s - 0.001)).toBe('NG');
  });

  it('regions below the minimum area are not listed and do not make NG; larger ones do', async () => {
    const t = '0.5379';
    const base = (await score(['--pixel-threshold', t, img('test_c.png')])).images[0];
    const areas = base.regions!.map((r) => r.area).sort((a, b) => a - b);
    expect(areas.length).toBeGreaterThanOrEqual(2);
    const [small, large] = [areas[0], areas[areas.length - 1]];
    expect(large).toBeGreaterThan(small + 1);
    const policy = async (min: string) =>
      (
        await score([
          '--image-threshold',
          '0.99',
          '--pixel-threshold',
          t,
          '--min-region-area',
          min,
          img('test_c.png'),
        ])
      ).images[0];
    const between = await policy(String(small + 1));
    expect(between.regions!.map((r) => r.area)).toEqual(
      base.regions!.filter((r) => r.area > small).map((r) => r.area),
    );
    expect(between.verdict).toBe('NG');
    const above = await policy(String(large + 1));
    expect([above.regions, above.verdict]).toEqual([[], 'OK']);
    // The same minimum as a percentage of the 640×400 image.
    const percent = await policy(`${((small + 1) / (640 * 400)) * 100}%`);
    expect(percent.regions).toEqual(between.regions);
    // Without a minimum the regions only describe; the verdict is the score's, as before.
    const scoreOnly = await score(['--image-threshold', '0.99', '--pixel-threshold', t, img('test_c.png')]);
    expect(scoreOnly.images[0].verdict).toBe('OK');
  });

  it('refuses a policy that cannot decide, with a usage error', async () => {
    const cases: [string[], string][] = [
      [
        ['--image-threshold', '0.3', '--review-threshold', '0.4'],
        'review threshold (0.4) is above the NG threshold (0.3)',
      ],
      [['--review-threshold', '0.4'], 'a review threshold needs an image threshold'],
      [['--min-region-area', '20'], 'a minimum region area needs a pixel threshold'],
      [['--pixel-threshold', '0.5', '--min-region-area', 'big'], "--min-region-area: 'big' is not an area"],
      [['--pixel-threshold', '0.5', '--min-region-area', '150%'], 'at most 100, got 150'],
      [['--roi', '10,20,30'], "--roi: '10,20,30' is not a box: give x,y,width,height"],
      [['--ignore', '0,0,0,5'], '--ignore: the box 0,0,0,5 has no area'],
    ];
    for (const [flags, msg] of cases) {
      const r = await winclip(scoreArgs(...flags, img('test_c.png')));
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });
});

describe('score --recipe with an inspection setup and a policy', () => {
  it('gives what the same setup gives as flags (a polygon covering whole pixels is their box)', async () => {
    const { buildPromptSet, DEFAULT_TEMPLATES } = await import('../src/core/prompts');
    const prompts = {
      objectName: 'bottle',
      normalStates: ['flawless {}', 'good {}'],
      anomalousStates: ['damaged {}', 'broken {}'],
      templates: DEFAULT_TEMPLATES.slice(0, 4),
    };
    const recipe = await fixtureRecipe(prompts, {
      thresholds: {
        'zero-shot': { image: 0.9, pixel: 0.5346, review: 0.5, minRegionArea: { value: 100, unit: 'px' } },
      },
      calibration: null,
      references: [],
      inspection: {
        roi: { x: 150, y: 60, width: 400, height: 300 },
        ignore: [
          {
            kind: 'polygon',
            points: [
              [430, 190],
              [480, 190],
              [480, 260],
              [430, 260],
            ],
          },
        ],
      },
    });
    const path = join(tmp, 'roi.recipe.json');
    writeFileSync(path, serializeRecipe(recipe));
    const ensemble = join(tmp, 'recipe-prompts.json');
    writeFileSync(ensemble, JSON.stringify(buildPromptSet(prompts)));
    const viaRecipe = await winclip(['score', '--model', FIXTURE_DIR, '--recipe', path, img('test_c.png')]);
    expect([viaRecipe.code, viaRecipe.stderr]).toEqual([0, '']);
    const got: Out = JSON.parse(viaRecipe.stdout);
    const viaFlags = await winclip([
      'score',
      '--model',
      FIXTURE_DIR,
      '--prompts',
      ensemble,
      '--image-threshold',
      '0.9',
      '--pixel-threshold',
      '0.5346',
      '--review-threshold',
      '0.5',
      '--min-region-area',
      '100',
      '--roi',
      '150,60,400,300',
      '--ignore',
      '430,190,50,70',
      img('test_c.png'),
    ]);
    const want: Out = JSON.parse(viaFlags.stdout);
    expect(got.images).toEqual(want.images);
    expect(got.images[0].verdict).toMatch(/^(OK|REVIEW|NG)$/);
    expect(got.thresholds).toMatchObject({ review: 0.5, min_region_area: { value: 100, unit: 'px' } });
    expect(got.inspection?.ignore).toEqual(recipe.inspection?.ignore);
  });
});

describe('score --method musc --roi', () => {
  it('scores the lot of crops: the same scores and maps as a lot of cropped files', async () => {
    const roi = { x: 10, y: 10, width: 200, height: 200 };
    const files = ['ref_1.png', 'ref_2.png', 'test_a.png', 'test_b.png', 'test_c.png', 'test_d.png'];
    const lot = ['score', '--model', FIXTURE_DIR, '--method', 'musc', '--layers', '0,1', '--print-maps'];
    const viaRoi = await winclip([
      ...lot,
      '--roi',
      boxArg(roi),
      '--image-threshold',
      '0.7',
      '--review-threshold',
      '0.5',
      ...files.map(img),
    ]);
    expect([viaRoi.code, viaRoi.stderr]).toEqual([0, '']);
    const crops = await Promise.all(files.map((f) => cropped(f, roi)));
    const viaCrop = await winclip([...lot, ...crops]);
    const got = (JSON.parse(viaRoi.stdout) as { images: (Rec & { max_score: number })[] }).images;
    const want = (JSON.parse(viaCrop.stdout) as { images: (Rec & { max_score: number })[] }).images;
    got.forEach((g, i) => {
      expect(g.roi).toEqual(roi);
      expect(Math.abs(g.image_score - want[i].image_score)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(g.max_score - want[i].max_score)).toBeLessThanOrEqual(1e-6);
      expect(maxAbsDiff(g.anomaly_map!, want[i].anomaly_map!)).toBeLessThanOrEqual(1e-6);
      const v = g.max_score >= 0.7 ? 'NG' : g.max_score >= 0.5 ? 'REVIEW' : 'OK';
      expect(g.verdict).toBe(v);
    });
    expect(new Set(got.map((g) => g.verdict)).size).toBeGreaterThan(1);
  });

  it('refuses what only applies to single-image scoring', async () => {
    const args = ['score', '--model', FIXTURE_DIR, '--method', 'musc', img('test_a.png')];
    for (const flag of [
      ['--ignore', '0,0,5,5'],
      ['--min-region-area', '5'],
    ]) {
      const r = await winclip([...args, ...flag]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${flag[0]} does not apply to --method musc`);
    }
  });
});
