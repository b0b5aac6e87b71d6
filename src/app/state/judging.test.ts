import { describe, expect, it } from 'vitest';
import { fixFor, judge, needsRegions, policyOf, policyText } from './judging';
import { queuedText, referencesWaitText } from './wait-text';

describe('judging', () => {
  const t = { image: 0.28, pixel: 0.6 };

  it('builds the core policy from a mode: the region rule only once a minimum area is set', () => {
    expect(policyOf(t, {})).toEqual({ ngThreshold: 0.28 });
    expect(needsRegions(policyOf(t, {}))).toBe(false);
    const p = policyOf(t, { review: 0.25, minArea: { value: 40, unit: 'px' } });
    expect(p).toEqual({
      ngThreshold: 0.28,
      reviewThreshold: 0.25,
      pixelThreshold: 0.6,
      minRegionArea: { value: 40, unit: 'px' },
    });
    expect(needsRegions(p)).toBe(true);
  });

  it('judges nothing without a policy, and decides OK / REVIEW / NG with one', () => {
    expect(judge(0.9, null)).toBeNull();
    const p = policyOf(t, { review: 0.25 });
    expect([0.2499, 0.25, 0.2799, 0.28].map((s) => judge(s, p))).toEqual(['OK', 'REVIEW', 'REVIEW', 'NG']);
  });

  it('lets a reported region of at least the minimum area make NG, and ignores dust', () => {
    const p = policyOf(t, { review: 0.25, minArea: { value: 40, unit: 'px' } });
    const regions = (areaPx: number) => ({ regions: [{ areaPx, peak: 0.7 }], inspectedPx: 10_000 });
    expect(judge(0.1, p, regions(39))).toBe('OK');
    expect(judge(0.26, p, regions(39))).toBe('REVIEW');
    expect(judge(0.1, p, regions(40))).toBe('NG');
    // Before the worker reports the regions the score alone decides.
    expect(judge(0.1, p)).toBe('OK');
  });

  it('words the policy at four decimals', () => {
    expect(policyText(policyOf(t, { review: 0.25, minArea: { value: 0.5, unit: '%' } }))).toBe(
      'NG at ≥ 0.2800 · REVIEW from 0.2500 · NG for a region ≥ 0.5% of the image at pixel ≥ 0.6000',
    );
  });

  it('names the one action that gives each mode a threshold', () => {
    expect(fixFor('zero-shot')).toMatchObject({ label: 'Add good references', tab: 'references' });
    expect(fixFor('few-shot:1')).toMatchObject({ label: 'Add another good reference', tab: 'references' });
    expect(fixFor('few-shot:3')).toMatchObject({ label: 'Set a threshold', tab: 'calibration' });
    expect(fixFor('lot')).toMatchObject({ label: 'Mark a few parts', tab: 'calibration' });
  });

  it('says what queued work waits for', () => {
    expect(queuedText('ready')).toBe('Queued');
    expect(queuedText('none')).toBe('Waiting for a model');
    expect(queuedText('fetching')).toBe('Waiting for the model to load');
    expect(referencesWaitText(2, 'none')).toBe('2 references wait for a model');
    expect(referencesWaitText(1, 'building')).toBe('1 reference waits for the model to load');
    expect(referencesWaitText(2, 'ready')).toBeNull();
  });
});
