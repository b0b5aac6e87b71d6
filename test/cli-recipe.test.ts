import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALOUS_STATES, DEFAULT_TEMPLATES } from '../src/core/prompts';
import { bytesToBase64, parseRecipe, type Recipe, serializeRecipe } from '../src/core/recipe';
import { FIXTURE_DIR } from './fixture';
import { fixtureRecipe, winclipOk } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'winclip-recipe-'));
const img = (f: string) => join(FIXTURE_DIR, f);
const REFS = ['ref_1.png', 'ref_2.png'];
const NORMAL = ['flawless {}', 'perfect {}', 'good {}'];
const TEMPLATES = DEFAULT_TEMPLATES.slice(0, 6);

async function writeRecipe(name: string, patch: Partial<Recipe> = {}): Promise<string> {
  const prompts = {
    objectName: 'bottle',
    normalStates: NORMAL,
    anomalousStates: DEFAULT_ANOMALOUS_STATES,
    templates: TEMPLATES,
  };
  const recipe = await fixtureRecipe(prompts, {
    thresholds: { 'few-shot': { image: 0.3, pixel: 0.29 } },
    references: REFS.map((f) => ({
      name: f,
      mediaType: 'image/png',
      data: bytesToBase64(readFileSync(img(f))),
    })),
    ...patch,
  });
  const path = join(tmp, name);
  writeFileSync(path, serializeRecipe(recipe));
  return path;
}

async function cli(args: string[]): Promise<unknown> {
  const { stdout } = await winclipOk(args);
  return JSON.parse(stdout);
}

describe('--recipe', () => {
  it('score gives the same scores, verdicts and regions as the equivalent flags', async () => {
    const recipe = await writeRecipe('r.json');
    const prompts = join(tmp, 'prompts.json');
    // The same ensemble as the recipe's state words and templates, as a --prompts file.
    const { buildPromptSet } = await import('../src/core/prompts');
    const set = buildPromptSet({
      objectName: 'bottle',
      normalStates: NORMAL,
      anomalousStates: DEFAULT_ANOMALOUS_STATES,
      templates: TEMPLATES,
    });
    writeFileSync(prompts, JSON.stringify(set));
    const tests = [img('test_a.png'), img('test_c.png')];
    const viaRecipe = (await cli(['score', '--model', FIXTURE_DIR, '--recipe', recipe, ...tests])) as {
      images: { image_score: number; verdict: string; regions: { state: string }[] }[];
    };
    const viaFlags = (await cli([
      'score',
      '--model',
      FIXTURE_DIR,
      '--object',
      'bottle',
      '--prompts',
      prompts,
      ...REFS.flatMap((f) => ['--ref', img(f)]),
      '--image-threshold',
      '0.3',
      '--pixel-threshold',
      '0.29',
      ...tests,
    ])) as typeof viaRecipe;
    expect(viaRecipe.images).toHaveLength(2);
    viaRecipe.images.forEach((r, i) => {
      const f = viaFlags.images[i];
      expect(r.image_score).toBe(f.image_score);
      expect(r.verdict).toBe(f.verdict);
      expect(r.regions.map((x) => JSON.stringify({ ...x, state: undefined }))).toEqual(
        f.regions.map((x) => JSON.stringify({ ...x, state: undefined })),
      );
      expect(r.verdict).toMatch(/^(OK|NG)$/);
    });
    expect(viaRecipe.images.reduce((n, r) => n + r.regions.length, 0)).toBeGreaterThan(0);
    // State words come from the recipe's lists (the flag run's vocabulary is the prompts file's).
    for (const r of viaRecipe.images) for (const g of r.regions) expect(g.state).toMatch(/bottle/);
  });

  it('calibrate takes the references from the recipe', async () => {
    const recipe = await writeRecipe('cal.json', {
      references: ['ref_1.png', 'ref_2.png', 'test_b.png'].map((f) => ({
        name: f,
        mediaType: 'image/png',
        data: bytesToBase64(readFileSync(img(f))),
      })),
      prompts: {
        objectName: 'bottle',
        normalStates: NORMAL,
        anomalousStates: DEFAULT_ANOMALOUS_STATES,
        templates: TEMPLATES,
      },
    });
    const prompts = join(tmp, 'prompts-cal.json');
    const { buildPromptSet } = await import('../src/core/prompts');
    writeFileSync(
      prompts,
      JSON.stringify(
        buildPromptSet({
          objectName: 'bottle',
          normalStates: NORMAL,
          anomalousStates: DEFAULT_ANOMALOUS_STATES,
          templates: TEMPLATES,
        }),
      ),
    );
    type Cal = {
      image_threshold: number;
      pixel_threshold: number;
      rule: string;
      references: { image_score: number }[];
    };
    const written = join(tmp, 'calibrated.json');
    const a = (await cli([
      'calibrate',
      '--model',
      FIXTURE_DIR,
      '--recipe',
      recipe,
      '--write-recipe',
      written,
    ])) as Cal;
    const b = (await cli([
      'calibrate',
      '--model',
      FIXTURE_DIR,
      '--prompts',
      prompts,
      ...['ref_1.png', 'ref_2.png', 'test_b.png'].flatMap((f) => ['--ref', img(f)]),
    ])) as Cal;
    expect(a.references.map((r) => r.image_score)).toEqual(b.references.map((r) => r.image_score));
    expect([a.image_threshold, a.pixel_threshold]).toEqual([b.image_threshold, b.pixel_threshold]);
    // --write-recipe files the suggested thresholds under few-shot, and says how they were found.
    const calibrated = parseRecipe(readFileSync(written, 'utf8'));
    expect(calibrated.thresholds['few-shot']).toEqual({ image: a.image_threshold, pixel: a.pixel_threshold });
    expect(calibrated.calibration).toEqual({
      rule: a.rule,
      references: 3,
      imageThreshold: a.image_threshold,
      pixelThreshold: a.pixel_threshold,
    });
    expect(calibrated.references).toHaveLength(3);
  });

  it.each([
    [
      'other weights',
      { weightsFingerprint: 'sampled-sha256-v1:00' },
      /score: the recipe is for winclip-tiny; the loaded weights are different/,
    ],
  ])('refuses a recipe made for %s', async (_what, model, message) => {
    const base = await writeRecipe('base.json');
    const recipe = JSON.parse(readFileSync(base, 'utf8')) as Recipe;
    const path = join(tmp, 'other.json');
    writeFileSync(path, JSON.stringify({ ...recipe, model: { ...recipe.model, ...model } }));
    await expect(
      winclipOk(['score', '--model', FIXTURE_DIR, '--recipe', path, img('test_a.png')]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(message),
    });
  });

  it('refuses a recipe together with the flags it replaces, and a broken file in one line', async () => {
    const recipe = await writeRecipe('r2.json');
    await expect(
      winclipOk([
        'score',
        '--model',
        FIXTURE_DIR,
        '--recipe',
        recipe,
        '--ref',
        img('ref_1.png'),
        img('test_a.png'),
      ]),
    ).rejects.toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'winclip: score: --recipe replaces --ref; give one or the other (see winclip score --help)\n',
    });
    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '{"format": "winclip-recipe", "version": 7}');
    await expect(winclipOk(['calibrate', '--model', FIXTURE_DIR, '--recipe', broken])).rejects.toMatchObject({
      code: 1,
      stderr: `winclip: calibrate: --recipe ${broken}: recipe: version 7 is not supported (this build reads version 1)\n`,
    });
  });
});

describe('calibrate --recipe with an inspection setup', () => {
  const shot = (name: string, bytes: Buffer) => ({
    name,
    mediaType: 'image/png',
    data: bytesToBase64(bytes),
  });
  type Loo = { references: { image_score: number; max_pixel: number }[]; image_threshold: number };
  const calibrateRecipe = async (path: string) => {
    const { stdout, stderr } = await winclipOk(['calibrate', '--model', FIXTURE_DIR, '--recipe', path]);
    return { loo: JSON.parse(stdout) as Loo, stderr };
  };

  it('crops references of one size by the ROI (as the cropped files), keeps the policy when writing', async () => {
    const roi = { x: 10, y: 20, width: 200, height: 180 };
    const files = ['ref_2.png', 'test_a.png']; // both 240×240
    const crops = await Promise.all(
      files.map((f) =>
        sharp(img(f))
          .extract({ left: roi.x, top: roi.y, width: roi.width, height: roi.height })
          .png()
          .toBuffer(),
      ),
    );
    const withRoi = await writeRecipe('cal-roi.json', {
      references: files.map((f) => shot(f, readFileSync(img(f)))),
      inspection: { roi, ignore: [] },
      thresholds: {
        'few-shot': { image: 0.3, pixel: 0.29, review: 0.01, minRegionArea: { value: 2, unit: '%' } },
      },
    });
    const cropped = await writeRecipe('cal-crop.json', {
      references: files.map((f, i) => shot(f, crops[i])),
    });
    const a = await calibrateRecipe(withRoi);
    const b = await calibrateRecipe(cropped);
    expect(a.stderr).toBe('');
    expect(a.loo.references).toEqual(b.loo.references);
    // A don't-care box over the whole ROI's right half leaves those pixels out of each max.
    const half = await writeRecipe('cal-half.json', {
      references: files.map((f) => shot(f, readFileSync(img(f)))),
      inspection: { roi, ignore: [{ kind: 'rect', box: { x: 110, y: 20, width: 100, height: 180 } }] },
    });
    const c = await calibrateRecipe(half);
    for (const [i, r] of c.loo.references.entries())
      expect(r.max_pixel).toBeLessThanOrEqual(a.loo.references[i].max_pixel);
    const written = join(tmp, 'cal-roi-written.json');
    await winclipOk(['calibrate', '--model', FIXTURE_DIR, '--recipe', withRoi, '--write-recipe', written]);
    const again = parseRecipe(readFileSync(written, 'utf8'));
    expect(again.inspection).toEqual({ roi, ignore: [] });
    expect(again.thresholds['few-shot']).toEqual({
      image: a.loo.image_threshold,
      pixel: expect.any(Number),
      review: 0.01,
      minRegionArea: { value: 2, unit: '%' },
    });
  });

  it('uses references of different sizes whole, and says so', async () => {
    const path = await writeRecipe('cal-sizes.json', {
      inspection: { roi: { x: 0, y: 0, width: 200, height: 200 }, ignore: [] },
    });
    const { stderr } = await calibrateRecipe(path);
    expect(stderr).toBe(
      "winclip: note: the recipe's references have different sizes (260×260, 240×240), so they are used whole (the inspection region 0,0,200,200 is not applied to them)\n",
    );
  });
});
