import { describe, expect, it } from 'vitest';
import { abortError } from '../core/errors';
import type { ImageResult } from '../core/types';
import { type BankScorer, type LooReference, leaveOneOut, medianPixel } from './calibration';

/** Scores each key by its index; the map is 1..5 scaled, so the median and max are known. */
function scorer(calls: [string, string[]][] = [], extra: Partial<ImageResult> = {}): BankScorer {
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
        ...extra,
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

  it("leaves don't-care pixels out of the pixel statistics (areas in image pixels, maps in the ROI's)", async () => {
    // Each map is [1..5]·s over an ROI at x = 10 of the image; the area covers image x 13..14 (values 4, 5).
    const roiScorer = scorer([], { roi: { x: 10, y: 0, width: 5, height: 1 } });
    const setup = { ignore: [{ kind: 'rect' as const, box: { x: 13, y: 0, width: 2, height: 1 } }] };
    const refs = await leaveOneOut(roiScorer, ['r1', 'r2'], { setup });
    expect(refs.map((r) => r.maxPixel)).toEqual([Math.fround(0.3), Math.fround(0.6)]);
    expect(medianPixel(refs[1])).toBeCloseTo(0.4, 6);
    expect(refs[1].pixelHistogram.counts.reduce((a, b) => a + b, 0)).toBe(3);
    const all = { ignore: [{ kind: 'rect' as const, box: { x: 0, y: 0, width: 20, height: 1 } }] };
    await expect(leaveOneOut(roiScorer, ['r1', 'r2'], { setup: all })).rejects.toThrow(
      "every pixel of reference 'r1' is in a don't-care area",
    );
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
