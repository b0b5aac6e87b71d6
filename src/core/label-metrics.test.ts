import { describe, expect, it } from 'vitest';
import { nextUp } from './calibration';
import {
  aurocOf,
  confusionAt,
  type LabelledScore,
  labelHistogram,
  rocCurve,
  suggestFromLabels,
} from './label-metrics';
import { auroc } from './metrics';

// NG 0.9, 0.8, 0.6, 0.4; OK 0.7, 0.5, 0.4, 0.2 (one OK/NG tie at 0.4).
const items: LabelledScore[] = [
  { score: 0.9, label: 'NG' },
  { score: 0.7, label: 'OK' },
  { score: 0.8, label: 'NG' },
  { score: 0.5, label: 'OK' },
  { score: 0.6, label: 'NG' },
  { score: 0.4, label: 'OK' },
  { score: 0.4, label: 'NG' },
  { score: 0.2, label: 'OK' },
];

describe('label metrics', () => {
  it('ROC through every distinct score', () => {
    const roc = rocCurve(items);
    expect(roc.map((p) => [p.threshold, p.fpr, p.tpr])).toEqual([
      [Number.POSITIVE_INFINITY, 0, 0],
      [0.9, 0, 0.25],
      [0.8, 0, 0.5],
      [0.7, 0.25, 0.5],
      [0.6, 0.25, 0.75],
      [0.5, 0.5, 0.75],
      [0.4, 0.75, 1],
      [0.2, 1, 1],
    ]);
    // 12 NG-above-OK pairs + the 0.4 tie as one half, of 16.
    expect(aurocOf(roc)).toBeCloseTo(12.5 / 16, 14);
    expect(aurocOf(roc)).toBeCloseTo(
      auroc(
        items.map((i) => i.score),
        items.map((i) => (i.label === 'NG' ? 1 : 0)),
      ),
      14,
    );
    expect(() => rocCurve(items.filter((i) => i.label === 'OK'))).toThrow(/one OK and one NG/);
  });

  it('confusion matrix at a threshold', () => {
    expect(confusionAt(items, 0.6)).toEqual({
      threshold: 0.6,
      tp: 3,
      fp: 1,
      tn: 3,
      fn: 1,
      falseRejectRate: 0.25,
      missRate: 0.25,
      precision: 0.75,
      recall: 0.75,
      f1: 0.75,
    });
    const all = confusionAt(items, 0.4);
    expect([all.tp, all.fp, all.tn, all.fn]).toEqual([4, 3, 1, 0]);
    expect(all.f1).toBeCloseTo(8 / 11, 14);
  });

  it('OK and NG histograms on shared bins', () => {
    // Range 0.2..0.9 in 4 bins of 0.175.
    const h = labelHistogram(items, 4);
    expect([h.lo, h.hi]).toEqual([0.2, 0.9]);
    expect(h.ok).toEqual([1, 2, 1, 0]);
    expect(h.ng).toEqual([0, 1, 1, 2]);
  });

  it('suggested thresholds: zero miss, best F1, target false-reject rate', () => {
    const s = suggestFromLabels(items, 0.25);
    expect(s.zeroMiss?.threshold).toBe(0.4);
    expect(s.zeroMiss?.missRate).toBe(0);
    expect(s.zeroMiss?.falseRejectRate).toBe(0.75);
    // F1 per threshold: 0.9 .4, 0.8 .667, 0.7 .571, 0.6 .75, 0.5 .667, 0.4 .727, 0.2 .667.
    expect(s.bestF1?.threshold).toBe(0.6);
    expect(s.bestF1?.f1).toBe(0.75);
    // One of four OK parts may be rejected (0.7): the next observed score above 0.5 is 0.6.
    expect(s.targetFalseReject?.threshold).toBe(0.6);
    expect(s.targetFalseReject?.falseRejectRate).toBe(0.25);
    // No false reject at all: above 0.7, i.e. 0.8.
    expect(suggestFromLabels(items, 0).targetFalseReject?.threshold).toBe(0.8);
    // Without NG parts only the false-reject threshold exists; above the top OK score none is observed.
    const okOnly = suggestFromLabels(
      items.filter((i) => i.label === 'OK'),
      0,
    );
    expect(okOnly.zeroMiss).toBeNull();
    expect(okOnly.bestF1).toBeNull();
    expect(okOnly.targetFalseReject?.threshold).toBe(nextUp(0.7));
  });

  it('rejects bad labels with a clear message', () => {
    expect(() => confusionAt([{ score: 1, label: 'bad' as 'OK' }], 0.5)).toThrow(/label 0 is 'bad'/);
  });
});
