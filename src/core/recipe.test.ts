import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  modelMismatch,
  parseRecipe,
  type Recipe,
  recalibrated,
  recipeMode,
  recipeThresholds,
  serializeRecipe,
} from './recipe';
import { fingerprintBytes, fingerprintRanges } from './weights-fingerprint';

const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function recipe(): Recipe {
  return {
    format: 'winclip-recipe',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: {
      source: { kind: 'hub', repo: 'org/clip' },
      label: 'org/clip',
      weightsBytes: 1234,
      weightsFingerprint: 'sampled-sha256-v1:ab',
      commit: COMMIT,
    },
    prompts: {
      objectName: 'bottle',
      normalStates: ['flawless {}'],
      anomalousStates: ['damaged {}'],
      templates: ['a photo of a {}.'],
    },
    thresholds: { 'few-shot': { image: 0.31, pixel: 0.4 }, 'zero-shot': { image: 0.6, pixel: 0.7 } },
    calibration: { rule: 'max + 1·std', references: 2, imageThreshold: 0.31, pixelThreshold: 0.4 },
    references: [
      { name: 'good.png', mediaType: 'image/png', data: bytesToBase64(new Uint8Array([1, 2, 3, 250])) },
    ],
  };
}

describe('recipe', () => {
  it('round-trips through its JSON text', () => {
    const r = recipe();
    expect(parseRecipe(serializeRecipe(r))).toEqual(r);
    expect(Array.from(base64ToBytes(r.references[0].data))).toEqual([1, 2, 3, 250]);
  });

  it("carries a mode's verdict policy (review threshold, minimum region area) and refuses a bad one", () => {
    const r = recipe();
    r.thresholds['few-shot'] = {
      image: 0.31,
      pixel: 0.4,
      review: 0.29,
      minRegionArea: { value: 0.5, unit: '%' },
    };
    expect(parseRecipe(serializeRecipe(r)).thresholds['few-shot']).toEqual({
      image: 0.31,
      pixel: 0.4,
      review: 0.29,
      minRegionArea: { value: 0.5, unit: '%' },
    });
    const bad = (t: object) => JSON.stringify({ ...recipe(), thresholds: { 'few-shot': t } });
    expect(() => parseRecipe(bad({ image: 0.31, pixel: 0.4, review: 0.35 }))).toThrow(
      'recipe: thresholds.few-shot: The review threshold (0.35) is above the NG threshold (0.31): review starts below NG',
    );
    expect(() =>
      parseRecipe(bad({ image: 0.31, pixel: 0.4, minRegionArea: { value: 5, unit: 'mm' } })),
    ).toThrow('recipe: thresholds.few-shot.minRegionArea.unit must be "px" or "%"');
    expect(() =>
      parseRecipe(bad({ image: 0.31, pixel: 0.4, minRegionArea: { value: 120, unit: '%' } })),
    ).toThrow('at most 100, got 120');
  });

  it('reads a recipe written before commits were recorded, with no commit', () => {
    const old = recipe();
    delete old.model.commit;
    expect(parseRecipe(serializeRecipe(old)).model.commit).toBeNull();
  });

  it('carries an inspection setup and a verdict policy per mode; older recipes have neither', () => {
    const r: Recipe = {
      ...recipe(),
      thresholds: {
        'few-shot': { image: 0.31, pixel: 0.4, review: 0.28, minRegionArea: { value: 0.5, unit: '%' } },
      },
      inspection: {
        roi: { x: 10, y: 20, width: 300, height: 200 },
        ignore: [
          { kind: 'rect', box: { x: 15, y: 25, width: 10, height: 10 } },
          {
            kind: 'polygon',
            points: [
              [40, 40],
              [80.5, 42],
              [60, 90],
            ],
          },
        ],
      },
    };
    expect(parseRecipe(serializeRecipe(r))).toEqual(r);
    expect(recipeThresholds(r)).toEqual(r.thresholds['few-shot']);
    const old = parseRecipe(serializeRecipe(recipe()));
    expect('inspection' in old).toBe(false);
    expect(Object.keys(old.thresholds['few-shot']!)).toEqual(['image', 'pixel']);
    // An ROI alone: no areas is an empty list.
    const roiOnly = JSON.stringify({ ...recipe(), inspection: { roi: { x: 1, y: 2, width: 3, height: 4 } } });
    expect(parseRecipe(roiOnly).inspection).toEqual({ roi: { x: 1, y: 2, width: 3, height: 4 }, ignore: [] });
  });

  it('a new calibration keeps the region rule, and the review band while it stays below NG', () => {
    const old = { image: 0.3, pixel: 0.4, review: 0.27, minRegionArea: { value: 50, unit: 'px' as const } };
    expect(recalibrated(old, 0.32, 0.45)).toEqual({ ...old, image: 0.32, pixel: 0.45 });
    expect(recalibrated(old, 0.26, 0.45)).toEqual({
      image: 0.26,
      pixel: 0.45,
      minRegionArea: old.minRegionArea,
    });
    expect(recalibrated(undefined, 0.26, 0.45)).toEqual({ image: 0.26, pixel: 0.45 });
  });

  it('picks the thresholds of its own mode', () => {
    const r = recipe();
    expect(recipeMode(r)).toBe('few-shot');
    expect(recipeThresholds(r)).toEqual({ image: 0.31, pixel: 0.4 });
    const zs = { ...r, references: [] };
    expect(recipeMode(zs)).toBe('zero-shot');
    expect(recipeThresholds(zs)).toEqual({ image: 0.6, pixel: 0.7 });
    expect(recipeThresholds({ ...zs, thresholds: {} })).toBeNull();
  });

  it.each([
    ['{', 'recipe: not valid JSON'],
    ['{"format": "other"}', 'recipe: not a WinCLIP recipe (no "format": "winclip-recipe")'],
    [{ version: 2 }, 'recipe: version 2 is not supported (this build reads version 1)'],
    [
      { model: { ...recipe().model, commit: 'main' } },
      'recipe: model.commit must be a 40-hex-digit commit id or null',
    ],
    [
      { prompts: { ...recipe().prompts, templates: ['no placeholder'] } },
      'recipe: prompts: "no placeholder" has no {} placeholder',
    ],
    [{ prompts: { ...recipe().prompts, normalStates: [] } }, 'recipe: prompts.normalStates is empty'],
    [
      { thresholds: { 'one-shot': { image: 1, pixel: 1 } } },
      'recipe: thresholds.one-shot: modes are "zero-shot", "few-shot" and "lot"',
    ],
    [
      { thresholds: { 'few-shot': { image: 'x', pixel: 1 } } },
      'recipe: thresholds.few-shot.image must be a finite number',
    ],
    [
      { references: [{ name: 'a', mediaType: 'image/png', data: 'abc' }] },
      'recipe: references[0].data is not base64',
    ],
    [
      { model: { ...recipe().model, source: { kind: 'ftp' } } },
      'recipe: model.source.kind must be "hub", "url" or "local", got "ftp"',
    ],
    [
      { thresholds: { 'few-shot': { image: 0.3, pixel: 0.4, review: 0.35 } } },
      'recipe: thresholds.few-shot: The review threshold (0.35) is above the NG threshold (0.3)',
    ],
    [
      { thresholds: { 'few-shot': { image: 0.3, pixel: 0.4, minRegionArea: { value: 5, unit: 'mm' } } } },
      'recipe: thresholds.few-shot.minRegionArea.unit must be "px" or "%"',
    ],
    [
      { inspection: { roi: { x: 0, y: 0, width: 0, height: 5 }, ignore: [] } },
      'recipe: inspection.roi: the box 0,0,0,5 has no area',
    ],
    [
      {
        inspection: {
          ignore: [
            {
              kind: 'polygon',
              points: [
                [0, 0],
                [1, 1],
              ],
            },
          ],
        },
      },
      'recipe: inspection.ignore[0].points must be a list of at least 3 [x, y] points',
    ],
    [
      { inspection: { ignore: [{ kind: 'circle' }] } },
      'recipe: inspection.ignore[0].kind must be "rect" or "polygon"',
    ],
  ])('refuses %j with a one-line reason', (patch, message) => {
    const text = typeof patch === 'string' ? patch : JSON.stringify({ ...recipe(), ...patch });
    expect(() => parseRecipe(text)).toThrow(message);
  });

  it('says when the loaded model is not the recipe model', () => {
    const want = recipe().model;
    expect(modelMismatch(want, { ...want })).toBeNull();
    expect(modelMismatch(want, { ...want, weightsFingerprint: 'sampled-sha256-v1:cd', label: 'x' })).toBe(
      'the recipe is for org/clip; the loaded weights are different (x)',
    );
    const other = { ...want, source: { kind: 'hub' as const, repo: 'org/other' }, weightsFingerprint: null };
    expect(modelMismatch(want, other)).toBe('the recipe is for org/clip; the loaded model is org/other');
    // Another commit of the same repo, when the weights cannot tell.
    const noFp = { ...want, weightsFingerprint: null };
    expect(modelMismatch(noFp, { ...noFp, commit: 'f'.repeat(40) })).toBe(
      `the recipe is for org/clip@${COMMIT}; the loaded model is org/clip@${'f'.repeat(40)}`,
    );
    expect(modelMismatch(want, { ...want, commit: 'f'.repeat(40) })).toBeNull();
    // Same weights dropped from disk: the fingerprint decides.
    expect(modelMismatch(want, { ...want, source: { kind: 'local' }, label: 'local' })).toBeNull();
  });
});

describe('weights fingerprint', () => {
  it('hashes the head and 64 spaced blocks of a large file, all of a small one', () => {
    expect(fingerprintRanges(1000)).toEqual([[0, 1000]]);
    const r = fingerprintRanges(100 << 20);
    expect(r).toHaveLength(65);
    expect(r[0]).toEqual([0, 1 << 20]);
    expect(r[64]).toEqual([(100 << 20) - 4096, 4096]);
  });

  it('changes when one sampled byte changes and keeps the size in', () => {
    const a = new Uint8Array(3 << 20);
    const b = a.slice();
    const [off] = fingerprintRanges(a.length)[10];
    b[off] = 1;
    expect(fingerprintBytes(a)).not.toBe(fingerprintBytes(b));
    expect(fingerprintBytes(a)).toMatch(/^sampled-sha256-v1:[0-9a-f]{64}$/);
    expect(fingerprintBytes(new Uint8Array(10))).not.toBe(fingerprintBytes(new Uint8Array(11)));
  });
});
