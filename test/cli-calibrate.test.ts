import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextUp } from '../src/core/calibration';
import { FIXTURE_DIR, fixturePrompts } from './fixture';
import { winclipOk } from './run-cli';

const tmp = mkdtempSync(join(tmpdir(), 'winclip-calibrate-'));
const promptsFile = join(tmp, 'prompts.json');
writeFileSync(promptsFile, JSON.stringify(fixturePrompts));
const img = (f: string) => join(FIXTURE_DIR, f);
const REFS = ['ref_1.png', 'ref_2.png', 'test_b.png'].map(img);

interface Calibration {
  references: {
    file: string;
    image_score: number;
    max_pixel: number;
    pixel_quantiles: Record<string, number>;
  }[];
  image_threshold: number;
  pixel_threshold: number;
  rule: string;
}
interface Scored {
  images: {
    file: string;
    width: number;
    height: number;
    image_score: number;
    anomaly_map: number[];
    verdict?: string;
    regions?: { box: number[]; area: number; area_percent: number; peak: number; state: string }[];
  }[];
}

async function cli<T>(args: string[]): Promise<T> {
  const { stdout } = await winclipOk(args);
  return JSON.parse(stdout);
}

/** `calibrate` on the fixture model with the fixture's prompts. */
const CALIBRATE = ['calibrate', '--model', FIXTURE_DIR, '--prompts', promptsFile];

describe('winclip calibrate', () => {
  it('each leave-one-out score equals `winclip score --ref <the other two>` of that reference', async () => {
    const cal = await cli<Calibration>([...CALIBRATE, ...REFS.flatMap((r) => ['--ref', r])]);
    expect(cal.references.map((r) => r.file)).toEqual(REFS);
    for (const [i, ref] of REFS.entries()) {
      const others = REFS.filter((_, j) => j !== i).flatMap((r) => ['--ref', r]);
      const s = await cli<Scored>([
        'score',
        '--model',
        FIXTURE_DIR,
        '--prompts',
        promptsFile,
        '--print-maps',
        ...others,
        ref,
      ]);
      const got = cal.references[i];
      expect(Math.abs(got.image_score - s.images[0].image_score)).toBeLessThan(1e-6);
      expect(Math.abs(got.max_pixel - Math.max(...s.images[0].anomaly_map))).toBeLessThan(1e-6);
    }
    // Default rule: max + 1·std (sample std) of the LOO image scores, and of the map maxima.
    const scores = cal.references.map((r) => r.image_score);
    const mean = scores.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    expect(cal.image_threshold).toBeCloseTo(Math.max(...scores) + std, 12);
    expect(cal.pixel_threshold).toBeGreaterThan(Math.max(...cal.references.map((r) => r.max_pixel)));
    expect(cal.rule).toMatch(/max \+ 1·std/);
  });

  it('--false-reject-rate 0 puts both thresholds just above the highest leave-one-out values', async () => {
    const cal = await cli<Calibration>([
      ...CALIBRATE,
      '--false-reject-rate',
      '0',
      '--ref',
      REFS[0],
      '--ref',
      REFS[1],
    ]);
    const top = Math.max(...cal.references.map((r) => r.image_score));
    expect(cal.image_threshold).toBe(nextUp(top));
    expect(cal.pixel_threshold).toBe(nextUp(Math.max(...cal.references.map((r) => r.max_pixel))));
    expect(cal.rule).toMatch(/at most 0 of the leave-one-out scores/);
  });

  it('score with thresholds adds a verdict and regions with state words', async () => {
    const s = await cli<Scored>([
      'score',
      '--model',
      FIXTURE_DIR,
      '--object',
      'bottle',
      '--image-threshold',
      '0.3',
      '--pixel-threshold',
      '0.3',
      img('test_a.png'),
      img('test_b.png'),
    ]);
    for (const o of s.images) {
      expect(o.verdict).toBe(o.image_score >= 0.3 ? 'NG' : 'OK');
      for (const r of o.regions!) {
        expect(r.peak).toBeGreaterThanOrEqual(0.3);
        expect(r.area_percent).toBeCloseTo((100 * r.area) / (o.width * o.height), 9);
        expect(['damaged bottle', 'bottle with flaw', 'bottle with defect', 'bottle with damage']).toContain(
          r.state,
        );
      }
    }
    expect(s.images.some((o) => o.regions!.length > 0)).toBe(true);
    const bad = await winclipOk([
      'score',
      '--model',
      FIXTURE_DIR,
      '--image-threshold',
      'high',
      img('test_a.png'),
    ]).then(
      () => null,
      (e: { stderr: string }) => e,
    );
    expect(bad?.stderr).toMatch(/--image-threshold must be a number, got 'high'/);
  });

  it.each([
    ['one reference', ['--model', FIXTURE_DIR, '--ref', REFS[0]], /at least 2 --ref images, got 1/],
    ['a repeated reference', ['--model', FIXTURE_DIR, '--ref', REFS[0], '--ref', REFS[0]], /given twice/],
    [
      'a bad margin',
      ['--model', FIXTURE_DIR, '--margin', 'x', '--ref', REFS[0], '--ref', REFS[1]],
      /--margin/,
    ],
  ])('fails with one clear line for %s', async (_label, args, msg) => {
    const err = await winclipOk(['calibrate', ...args]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    // Each is a usage error: exit 2.
    expect(err!.code).toBe(2);
    expect(err!.stderr.trim().split('\n')).toHaveLength(1);
    expect(err!.stderr).toMatch(msg);
  });
});
