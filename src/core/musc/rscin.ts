/**
 * RsCIN, re-scoring with a constrained image-level neighbourhood (METHOD-musc.md §7): the lot's image
 * scores, min-max normalised, each replaced by the mean over k of a similarity-weighted average over its
 * k most similar images (itself included). Float32 steps as the code (`.float()`).
 *
 * Choices where the code is undefined:
 * - all scores equal: the min-max range is 0 and the code divides by zero (NaN). Here every normalised
 *   score is 0, so every final score is 0: nothing in the lot stands out.
 * - k > N: the code's topk(N−k) fails. Here it is an error naming the smallest lot; the lot itself asks
 *   for more images before it gets here (`minLotSize`).
 */

/** (ac − min) / (max − min) in float64, rounded to float32 as the code's `.float()`. */
export function minMaxNormalise(scores: ArrayLike<number>): Float32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    lo = Math.min(lo, scores[i]);
    hi = Math.max(hi, scores[i]);
  }
  const out = new Float32Array(scores.length);
  if (!(hi > lo)) return out;
  for (let i = 0; i < scores.length; i++) out[i] = (scores[i] - lo) / (hi - lo);
  return out;
}

/** W = T·Tᵀ of the N class tokens (each E values), float32. */
export function similarityMatrix(tokens: readonly Float32Array[]): Float32Array {
  const n = tokens.length;
  const w = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = tokens[i];
      const b = tokens[j];
      let s = 0;
      for (let e = 0; e < a.length; e++) s += a[e] * b[e];
      w[i * n + j] = s;
    }
  return w;
}

/** Indices of the k largest entries of a row (ties broken by the lower index). */
function largest(row: Float32Array, k: number): number[] {
  return [...row.keys()].sort((a, b) => row[b] - row[a] || a - b).slice(0, k);
}

/**
 * RsCIN of the lot: `scores` the N image scores before RsCIN (ac), `tokens` the N class tokens.
 * Returns the N final scores and the normalised ones (for checks).
 */
export function rscin(
  scores: ArrayLike<number>,
  tokens: readonly Float32Array[],
  kList: readonly number[],
): { score: Float32Array; normalised: Float32Array; similarity: Float32Array } {
  const n = scores.length;
  if (tokens.length !== n) throw new Error(`RsCIN: ${n} scores but ${tokens.length} class tokens`);
  const tooBig = kList.find((k) => k > n);
  if (tooBig !== undefined)
    throw new Error(`RsCIN: k = ${tooBig} needs at least ${tooBig} images, the lot has ${n}`);
  const s = minMaxNormalise(scores);
  const w = similarityMatrix(tokens);
  const sum = new Float64Array(n);
  for (const k of kList) {
    for (let i = 0; i < n; i++) {
      const row = w.subarray(i * n, (i + 1) * n);
      const kept = largest(row, k);
      let rowSum = 0;
      for (const j of kept) rowSum = Math.fround(rowSum + row[j]);
      const d = Math.fround(1 / rowSum);
      let acc = 0;
      for (const j of kept) acc += Math.fround(d * row[j]) * s[j];
      sum[i] += Math.fround(acc);
    }
  }
  const score = new Float32Array(n);
  for (let i = 0; i < n; i++) score[i] = sum[i] / kList.length;
  return { score, normalised: s, similarity: w };
}
