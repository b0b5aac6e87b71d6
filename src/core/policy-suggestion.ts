/**
 * Both thresholds of a verdict policy suggested from what a station knows, each with the rule that made
 * it: the review threshold from the references' leave-one-out scores (where good parts sit, by the
 * calibration rule), the NG threshold from OK/NG marks. The NG threshold is never put on a marked NG
 * part's own score (the weakest NG found would sit on the edge and a slightly weaker one would pass):
 * it goes midway between that score and the highest good score below it (a marked OK part, else the
 * review threshold), and the suggestion says how far that leaves it from the weakest NG.
 */
import {
  DEFAULT_THRESHOLD_RULE,
  describeRule,
  type ThresholdRule,
  thresholdFromNormals,
} from './calibration';
import type { LabelledScore } from './label-metrics';

/** Scores in the rules as the cards show them (4 decimals). */
const f = (x: number) => x.toFixed(4);

export interface PolicySuggestion {
  /** REVIEW from here; null without at least 2 leave-one-out scores. */
  review: number | null;
  /** NG from here; null without an NG mark. */
  ng: number | null;
  /** One sentence per threshold (and per adjustment) on how it was found, for the UI and the recipe. */
  rules: string[];
}

export function suggestPolicy(
  looScores: readonly number[],
  marks: readonly LabelledScore[],
  rule: ThresholdRule = DEFAULT_THRESHOLD_RULE,
): PolicySuggestion {
  const rules: string[] = [];
  let review: number | null = null;
  if (looScores.length >= 2) {
    review = thresholdFromNormals(looScores, rule);
    rules.push(`review from ${describeRule(rule)} of ${looScores.length} references`);
  }
  const ngScores = marks.filter((m) => m.label === 'NG').map((m) => m.score);
  if (ngScores.length === 0) return { review, ng: null, rules };
  const weakest = Math.min(...ngScores);
  const okBelow = marks.filter((m) => m.label === 'OK' && m.score < weakest).map((m) => m.score);
  const good =
    okBelow.length > 0 ? Math.max(...okBelow) : review !== null && review < weakest ? review : null;
  let ng: number;
  if (good === null) {
    ng = weakest;
    rules.push(
      `NG at the weakest NG-marked score ${f(weakest)} with no margin: mark good parts (or calibrate) to place it below`,
    );
  } else {
    ng = (good + weakest) / 2;
    const from =
      okBelow.length > 0
        ? `the highest OK-marked score below it (${f(good)})`
        : `the review threshold (${f(good)})`;
    rules.push(
      `NG midway between the weakest NG-marked score (${f(weakest)}) and ${from}: ${f(weakest - ng)} below it`,
    );
  }
  const missed = marks.filter((m) => m.label === 'OK' && m.score >= ng).length;
  if (missed > 0) rules.push(`${missed} OK-marked part${missed > 1 ? 's score' : ' scores'} at or above it`);
  if (review !== null && review > ng) {
    rules.push(`the references' leave-one-out reaches ${f(review)}, above NG ${f(ng)}: no review band`);
    review = null;
  }
  return { review, ng, rules };
}
