import { describe, expect, it } from 'vitest';
import { suggestPolicy } from './policy-suggestion';

const ok = (score: number) => ({ score, label: 'OK' as const });
const ng = (score: number) => ({ score, label: 'NG' as const });

describe('suggested verdict policy', () => {
  it('review from the leave-one-out scores, NG midway between the best good and the weakest NG', () => {
    // LOO 0.20, 0.22, 0.24: max 0.24 + std 0.02 = 0.26. Marks: OK up to 0.25, weakest NG 0.30.
    const s = suggestPolicy([0.2, 0.22, 0.24], [ok(0.21), ok(0.25), ng(0.3), ng(0.4)]);
    expect(s.review).toBeCloseTo(0.26, 12);
    expect(s.ng).toBeCloseTo(0.275, 12);
    expect(s.rules).toHaveLength(2);
    expect(s.rules[0]).toBe('review from max + 1·std of the leave-one-out scores of 3 references');
    expect(s.rules[1]).toMatch(
      /^NG midway between the weakest NG-marked score \(0\.3000\) and the highest OK-marked score below it \(0\.2500\): 0\.0250 below it$/,
    );
  });

  it('the weakest NG is NG with room; a review band above NG is dropped, and it says so', () => {
    // Weakest NG 0.2698, best OK 0.25: NG at 0.2599, so a part at 0.2690 is caught too.
    const s = suggestPolicy([0.2, 0.22, 0.24], [ok(0.25), ng(0.2698)]);
    expect(s.ng).toBeCloseTo(0.2599, 12);
    expect(0.269 >= s.ng!).toBe(true);
    expect(s.review).toBeNull();
    expect(s.rules[2]).toMatch(/leave-one-out reaches 0\.2600, above NG 0\.2599: no review band$/);
  });

  it('without OK marks the review threshold is the good side; without marks no NG threshold', () => {
    const s = suggestPolicy([0.2, 0.22, 0.24], [ng(0.36)]);
    expect(s.review).toBeCloseTo(0.26, 12);
    expect(s.ng).toBeCloseTo(0.31, 12);
    expect(s.rules[1]).toMatch(/the review threshold \(0\.2600\)/);
    expect(suggestPolicy([0.2, 0.22], [])).toMatchObject({ ng: null });
    expect(suggestPolicy([0.2], [ok(0.1)])).toEqual({ review: null, ng: null, rules: [] });
  });

  it('with nothing on the good side it stays on the weakest NG and says there is no margin', () => {
    const s = suggestPolicy([], [ng(0.3), ng(0.5), ok(0.35)]);
    expect(s.ng).toBe(0.3);
    expect(s.rules).toEqual([
      'NG at the weakest NG-marked score 0.3000 with no margin: mark good parts (or calibrate) to place it below',
      '1 OK-marked part scores at or above it',
    ]);
  });
});
