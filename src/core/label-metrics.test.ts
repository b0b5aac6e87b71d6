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

  it('suggested thresholds: zero miss, best F1, target false-reject rate, each halfway down to the next score', () => {
    const s = suggestFromLabels(items, 0.25);
    // Every NG flagged at 0.4 (the weakest NG); the next marked score below is 0.2: halfway is 0.3.
    expect(s.zeroMiss?.threshold).toBeCloseTo(0.3, 15);
    expect([s.zeroMiss?.onScore, s.zeroMiss?.onLabel]).toEqual([0.4, 'NG']);
    expect(s.zeroMiss?.margin).toBeCloseTo(0.1, 15);
    expect(s.zeroMiss?.missRate).toBe(0);
    expect(s.zeroMiss?.falseRejectRate).toBe(0.75);
    // F1 per threshold: 0.9 .4, 0.8 .667, 0.7 .571, 0.6 .75, 0.5 .667, 0.4 .727, 0.2 .667: best at 0.6,
    // placed halfway to 0.5 with the same confusion.
    expect(s.bestF1?.threshold).toBeCloseTo(0.55, 15);
    expect(s.bestF1?.f1).toBe(0.75);
    expect(s.bestF1?.onScore).toBe(0.6);
    // One of four OK parts may be rejected (0.7): the lowest flagged score is 0.6, so again 0.55.
    expect(s.targetFalseReject?.threshold).toBeCloseTo(0.55, 15);
    expect(s.targetFalseReject?.falseRejectRate).toBe(0.25);
    // No false reject at all: above 0.7, flagging 0.8 first: halfway between 0.7 and 0.8.
    expect(suggestFromLabels(items, 0).targetFalseReject?.threshold).toBeCloseTo(0.75, 15);
    // Without NG parts only the false-reject threshold exists; above the top OK score nothing is flagged.
    const okOnly = suggestFromLabels(
      items.filter((i) => i.label === 'OK'),
      0,
    );
    expect(okOnly.zeroMiss).toBeNull();
    expect(okOnly.bestF1).toBeNull();
    expect(okOnly.targetFalseReject?.threshold).toBe(nextUp(0.7));
    expect(okOnly.targetFalseReject?.margin).toBe(0);
  });

  it('no longer sits on the weakest NG: an NG part a hair below it is still flagged', () => {
    // The station's case: one NG at 0.2698 and the highest OK part at 0.2690.
    const station: LabelledScore[] = [
      { score: 0.2698, label: 'NG' },
      { score: 0.31, label: 'NG' },
      { score: 0.269, label: 'OK' },
      { score: 0.25, label: 'OK' },
    ];
    const s = suggestFromLabels(station, 0.05);
    for (const t of [s.zeroMiss, s.bestF1, s.targetFalseReject]) {
      expect(t?.threshold).toBeCloseTo(0.2694, 15);
      expect(t?.margin).toBeCloseTo(0.0004, 15);
      expect([t?.onScore, t?.onLabel, t?.fn, t?.fp]).toEqual([0.2698, 'NG', 0, 0]);
    }
    // A new NG part at 0.2695 is NG now; at the old suggestion (0.2698) it would have passed.
    expect(0.2695 >= (s.zeroMiss?.threshold ?? 1)).toBe(true);
    // Nothing marked below the weakest NG: no room to make, and it says so (margin 0).
    const alone = suggestFromLabels([{ score: 0.3, label: 'NG' }]);
    expect([alone.zeroMiss?.threshold, alone.zeroMiss?.margin]).toEqual([0.3, 0]);
  });

  it('rejects bad labels with a clear message', () => {
    expect(() => confusionAt([{ score: 1, label: 'bad' as 'OK' }], 0.5)).toThrow(/label 0 is 'bad'/);
  });
});
