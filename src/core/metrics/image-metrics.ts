/** Image-level metrics (exact): AUROC with ties counted half, average precision, F1-max. */
import { DescendingSweep } from './sweep';

export interface ImageMetrics {
  auroc: number;
  aupr: number;
  f1_max: number;
}

/** Labels: 1 = anomalous (positive), 0 = normal. Scores must not be NaN. */
export function imageMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): ImageMetrics {
  const r = sweepScores(scores, labels);
  return { auroc: r.auroc, aupr: r.averagePrecision, f1_max: r.f1Max };
}

export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return sweepScores(scores, labels).auroc;
}

export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return sweepScores(scores, labels).averagePrecision;
}

export function f1Max(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return sweepScores(scores, labels).f1Max;
}

function sweepScores(scores: ArrayLike<number>, labels: ArrayLike<number>) {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`metrics: ${n} scores but ${labels.length} labels`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`metrics: score ${i} is NaN`);
    if (labels[i] !== 0 && labels[i] !== 1)
      throw new Error(`metrics: label ${i} is ${labels[i]}, expected 0 or 1`);
    positives += labels[i];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const sweep = new DescendingSweep({ positives, negatives: n - positives, regions: 0 });
  let i = 0;
  while (i < n) {
    const s = scores[order[i]];
    let pos = 0;
    let neg = 0;
    // Equal scores form one threshold: ties are never split.
    while (i < n && scores[order[i]] === s) {
      if (labels[order[i]] === 1) pos++;
      else neg++;
      i++;
    }
    sweep.push(neg, pos, 0, s);
  }
  return sweep.result();
}
