import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isModeKind,
  MODE_KINDS,
  modeDescription,
  modeLabel,
  modeOf,
  modeOfRecipeEntry,
  modeOfResult,
  modeShortLabel,
  parseThresholdKey,
  recipeModeOf,
  referenceCount,
  thresholdKey,
} from './scoring-mode';

describe('modeOf', () => {
  it('is zero-shot without ready references and few-shot with K of them', () => {
    expect(modeOf({ readyReferences: 0 })).toEqual({ kind: 'zero-shot' });
    expect(modeOf({ readyReferences: 1 })).toEqual({ kind: 'few-shot', k: 1 });
    expect(modeOf({ readyReferences: 4 })).toEqual({ kind: 'few-shot', k: 4 });
  });

  it('reads a result: its kind and the bank it saw', () => {
    expect(modeOfResult({ mode: 'few-shot', bank: 3 })).toEqual({ kind: 'few-shot', k: 3 });
    expect(modeOfResult({ mode: 'zero-shot', bank: 0 })).toEqual({ kind: 'zero-shot' });
    // Stored keys have always put a few-shot result with an empty bank under zero-shot.
    expect(modeOfResult({ mode: 'few-shot', bank: 0 })).toEqual({ kind: 'zero-shot' });
    expect(modeOfResult({ mode: 'lot', bank: 40 })).toEqual({ kind: 'lot', n: 40 });
  });
});

describe('threshold keys', () => {
  it('keeps the stored key strings exactly', () => {
    expect(thresholdKey({ kind: 'zero-shot' })).toBe('zero-shot');
    expect(thresholdKey({ kind: 'few-shot', k: 3 })).toBe('few-shot:3');
    expect(thresholdKey(modeOf({ readyReferences: 12 }))).toBe('few-shot:12');
  });

  it('keys every lot alike, whatever its size', () => {
    expect(thresholdKey({ kind: 'lot', n: 5 })).toBe('lot');
    expect(thresholdKey({ kind: 'lot', n: 200 })).toBe('lot');
    expect(parseThresholdKey('lot')).toEqual({ kind: 'lot', n: 0 });
  });

  it('parses a key back to the same mode', () => {
    for (const k of [0, 1, 2, 16]) {
      const mode = modeOf({ readyReferences: k });
      expect(parseThresholdKey(thresholdKey(mode))).toEqual(mode);
    }
  });

  it('names no mode for keys it does not know', () => {
    for (const bad of [
      '',
      'few-shot',
      'few-shot:',
      'few-shot:0',
      'few-shot:03',
      'few-shot:2.5',
      'lot:4',
      'Zero-shot',
    ])
      expect(parseThresholdKey(bad)).toBeNull();
  });
});

describe('recipe modes', () => {
  it('files thresholds under the kind', () => {
    expect(recipeModeOf({ kind: 'zero-shot' })).toBe('zero-shot');
    expect(recipeModeOf({ kind: 'few-shot', k: 5 })).toBe('few-shot');
    expect(recipeModeOf({ kind: 'lot', n: 9 })).toBe('lot');
    expect(MODE_KINDS).toEqual(['zero-shot', 'few-shot', 'lot']);
    expect(isModeKind('lot')).toBe(true);
    expect(isModeKind('few-shot')).toBe(true);
    expect(isModeKind('few-shot:2')).toBe(false);
    expect(isModeKind('toString')).toBe(false);
  });

  it("applies a recipe's entries to its own bank size", () => {
    expect(modeOfRecipeEntry('few-shot', 2)).toEqual({ kind: 'few-shot', k: 2 });
    expect(modeOfRecipeEntry('zero-shot', 2)).toEqual({ kind: 'zero-shot' });
    expect(modeOfRecipeEntry('few-shot', 0)).toEqual({ kind: 'zero-shot' });
    expect(modeOfRecipeEntry('lot', 3)).toEqual({ kind: 'lot', n: 0 });
  });
});

describe('labels', () => {
  it('words each mode', () => {
    expect(modeLabel({ kind: 'zero-shot' })).toBe('Zero-shot');
    expect(modeLabel({ kind: 'few-shot', k: 3 })).toBe('Few-shot · K=3');
    expect(modeShortLabel({ kind: 'zero-shot' })).toBe('ZS');
    expect(modeShortLabel({ kind: 'few-shot', k: 2 })).toBe('FS2');
    expect(modeDescription({ kind: 'few-shot', k: 2 })).toBe(
      'Few-shot (WinCLIP+), scored against K=2 reference images',
    );
    expect(referenceCount({ kind: 'few-shot', k: 7 })).toBe(7);
    expect(referenceCount({ kind: 'zero-shot' })).toBe(0);
    expect(referenceCount({ kind: 'lot', n: 12 })).toBe(0);
    expect(modeLabel({ kind: 'lot', n: 12 })).toBe('Lot · N=12');
    expect(modeLabel({ kind: 'lot', n: 0 })).toBe('Lot');
    expect(modeShortLabel({ kind: 'lot', n: 12 })).toBe('LOT');
    expect(modeDescription({ kind: 'lot', n: 12 })).toBe(
      'Lot (MuSc), each image scored against the other 11 images of its lot',
    );
  });
});

describe('the results schema', () => {
  // The schema is hand-written JSON: this keeps its modes the ones this module knows.
  const schema = JSON.parse(readFileSync(new URL('../../docs/results.schema.json', import.meta.url), 'utf8'));
  const header = schema.properties;

  it('lists every kind for the method and the app records', () => {
    expect(header.method.properties.mode.enum).toEqual(MODE_KINDS);
    const image = Object.values(
      schema.$defs as Record<string, { properties?: { mode?: { enum?: unknown } } }>,
    )
      .map((d) => d.properties?.mode?.enum)
      .find((e) => Array.isArray(e));
    expect(image).toEqual([...MODE_KINDS, null]);
  });

  it("accepts every mode's threshold key and nothing parseThresholdKey refuses", () => {
    const pattern = new RegExp(header.thresholds.properties.mode.pattern);
    for (const k of [0, 1, 9, 10, 123])
      expect(pattern.test(thresholdKey(modeOf({ readyReferences: k })))).toBe(true);
    expect(pattern.test(thresholdKey({ kind: 'lot', n: 7 }))).toBe(true);
    for (const bad of ['few-shot:0', 'few-shot:', 'lot:3']) {
      expect(pattern.test(bad)).toBe(false);
      expect(parseThresholdKey(bad)).toBeNull();
    }
  });
});
