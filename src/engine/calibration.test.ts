import { describe, expect, it } from 'vitest';
import { abortError } from '../core/errors';
import type { ImageResult } from '../core/types';
import { type BankScorer, type LooReference, leaveOneOut, medianPixel } from './calibration';

/** Scores each key by its index; the map is 1..5 scaled, so the median and max are known. */
function scorer(calls: [string, string[]][]): BankScorer {
  return {
    async scoreWithBank(key, bankKeys) {
      calls.push([key, bankKeys]);
      const s = Number(key.slice(1)) / 10;
      return {
        imageScore: s,
        anomalyMap: Float32Array.from([1, 2, 3, 4, 5], (v) => v * s),
        width: 5,
        height: 1,
        mode: 'few-shot',
      } as unknown as ImageResult;
    },
  };
}

describe('leave-one-out loop', () => {
  it('scores each reference against the others and reports each as it comes', async () => {
    const calls: [string, string[]][] = [];
    const heard: [string, number][] = [];
    const refs = await leaveOneOut(scorer(calls), ['r1', 'r2', 'r3'], {
      onReference: (r, done) => heard.push([r.key, done]),
    });
    expect(calls).toEqual([
      ['r1', ['r2', 'r3']],
      ['r2', ['r1', 'r3']],
      ['r3', ['r1', 'r2']],
    ]);
    expect(heard).toEqual([
      ['r1', 1],
      ['r2', 2],
      ['r3', 3],
    ]);
    expect(refs.map((r) => [r.imageScore, r.maxPixel])).toEqual([
      [0.1, Math.fround(0.5)],
      [0.2, Math.fround(1)],
      [0.3, Math.fround(1.5)],
    ]);
    expect(medianPixel(refs[1])).toBeCloseTo(0.6, 6);
  });

  it('stops before the next reference when `beforeEach` throws (a cancelled request)', async () => {
    const calls: [string, string[]][] = [];
    let n = 0;
    const run = leaveOneOut(scorer(calls), ['r1', 'r2', 'r3'], {
      beforeEach: () => {
        if (++n === 2) throw abortError();
      },
    });
    await expect(run).rejects.toThrow('Cancelled');
    expect(calls.map(([k]) => k)).toEqual(['r1']);
  });

  it('needs the median among its quantiles', () => {
    const r = { pixelQuantiles: [{ p: 0.9, value: 1 }] } as LooReference;
    expect(() => medianPixel(r)).toThrow('internal: PIXEL_QUANTILES lacks the median');
  });
});
