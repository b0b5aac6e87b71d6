import { describe, expect, it } from 'vitest';
import { checkPolicy, defectRegions, minAreaPx, partVerdict, scoreVerdict } from './verdict-policy';

describe('verdict policy', () => {
  const policy = { ngThreshold: 0.3, reviewThreshold: 0.25 };

  it('OK below review, REVIEW from review (inclusive) to NG, NG at or above NG', () => {
    expect(scoreVerdict(0.2499, policy)).toBe('OK');
    expect(scoreVerdict(0.25, policy)).toBe('REVIEW');
    expect(scoreVerdict(0.2999, policy)).toBe('REVIEW');
    expect(scoreVerdict(0.3, policy)).toBe('NG');
    expect(scoreVerdict(0.2999, { ngThreshold: 0.3 })).toBe('OK');
  });

  it('minimum area in px or as a percentage of the inspected area', () => {
    expect(minAreaPx(undefined, 1000)).toBe(0);
    expect(minAreaPx({ value: 40, unit: 'px' }, 1000)).toBe(40);
    expect(minAreaPx({ value: 2.5, unit: '%' }, 200 * 100)).toBe(500);
  });

  it('a region counts when its peak reaches the pixel threshold and its area the minimum', () => {
    const p = { ...policy, pixelThreshold: 0.5, minRegionArea: { value: 1, unit: '%' as const } };
    const regions = [
      { areaPx: 99, peak: 0.9 }, // dust: 99 < 1 % of 10 000
      { areaPx: 100, peak: 0.5 }, // exactly at both limits
      { areaPx: 5000, peak: 0.49 }, // large but below the pixel threshold
    ];
    expect(defectRegions(regions, p, 10_000)).toEqual([{ areaPx: 100, peak: 0.5 }]);
    expect(partVerdict(0.1, regions, p, 10_000)).toBe('NG');
    expect(partVerdict(0.26, [regions[0]], p, 10_000)).toBe('REVIEW');
    expect(partVerdict(0.1, regions, policy, 10_000)).toBe('OK'); // no pixel threshold, no rule
  });

  it('refuses a policy that cannot decide, with the reason', () => {
    expect(() => checkPolicy({ ngThreshold: 0.3, reviewThreshold: 0.4 })).toThrow(
      /review threshold \(0.4\) is above/,
    );
    expect(() => checkPolicy({ ngThreshold: Number.NaN })).toThrow(/NG threshold must be a number/);
    expect(() => checkPolicy({ ngThreshold: 0.3, minRegionArea: { value: 120, unit: '%' } })).toThrow(
      /at most 100/,
    );
    expect(() => checkPolicy({ ngThreshold: 0.3, minRegionArea: { value: -1, unit: 'px' } })).toThrow(/≥ 0/);
    expect(() => checkPolicy({ ngThreshold: 0.3, reviewThreshold: 0.3, pixelThreshold: 0.5 })).not.toThrow();
  });
});
