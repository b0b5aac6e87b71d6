/**
 * MSM, mutual scoring (METHOD-musc.md §4): a patch's score is the mean of its nearest distances to the
 * other images of the lot, sorted ascending, between ranks k_min and k_max. Then the mean over layers
 * and over r.
 */

/** Ranks [kMin, kMax) of the N−1 sorted distances the interval averages. */
export interface RankRange {
  kMin: number;
  kMax: number;
}

/**
 * The official code's ranks: int() truncation of (N−1)·t in float64, swapped when k_max < k_min.
 * An interval bound of 1 keeps its float product (N−1), as the code does for bounds < 1.
 */
export function rankRange(n: number, interval: readonly [number, number]): RankRange {
  let kMin = Math.trunc((n - 1) * interval[0]);
  let kMax = Math.trunc((n - 1) * interval[1]);
  if (kMax < kMin) [kMin, kMax] = [kMax, kMin];
  return { kMin, kMax };
}

/** The smallest lot whose interval holds at least one rank (5 for the default [0, 0.3)). */
export function minLotForInterval(interval: readonly [number, number]): number {
  // (N−1)·hi − (N−1)·lo grows with N, so the first non-empty N is found by counting up; hi − lo > 0
  // bounds the search at about 2 / (hi − lo).
  const limit = Math.ceil(2 / (interval[1] - interval[0])) + 2;
  for (let n = 2; n <= limit; n++) {
    const { kMin, kMax } = rankRange(n, interval);
    if (kMax > kMin) return n;
  }
  return limit;
}

/** The message for a lot too small for its interval or RsCIN k: "needs at least 5 images; 2 more to go". */
export function lotTooSmallMessage(have: number, need: number): string {
  const more = need - have;
  return `the lot mode needs at least ${need} images; ${more} more to go`;
}

/** The ranks for N images, or a clear error when the interval holds none (never a NaN mean). */
export function checkedRankRange(n: number, interval: readonly [number, number]): RankRange {
  const range = rankRange(n, interval);
  if (range.kMax <= range.kMin) throw new Error(lotTooSmallMessage(n, minLotForInterval(interval)));
  return range;
}

/** Reorders `a[from, to)` so that a[k] holds the value sorted order puts there, smaller ones before it. */
function selectRank(a: Float32Array, from: number, to: number, k: number): void {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * MSM of one image for one feature set f: `others[j]` is F×P (its nearest distances to the j-th other
 * image), the result P values. The values between ranks are found by selection, not a full sort (the
 * lot re-scores often); their float32 mean is then taken as the code's `.float()` mean and `.double()`.
 */
export function msmScores(
  others: readonly Float32Array[],
  f: number,
  p: number,
  range: RankRange,
): Float64Array {
  const m = others.length;
  if (range.kMax > m) throw new Error(`MSM: rank ${range.kMax} of ${m} distances`);
  // Patch q's m distances at [q·m, (q+1)·m): gathered image by image so each read is contiguous.
  const values = new Float32Array(p * m);
  for (let j = 0; j < m; j++) {
    const row = others[j];
    for (let q = 0; q < p; q++) values[q * m + j] = row[f * p + q];
  }
  const out = new Float64Array(p);
  const count = range.kMax - range.kMin;
  for (let q = 0; q < p; q++) {
    const from = q * m;
    // The kMax smallest first, then among them the kMin smallest: what is left between is the interval.
    if (range.kMax < m) selectRank(values, from, from + m, from + range.kMax);
    if (range.kMin > 0) selectRank(values, from, from + range.kMax, from + range.kMin);
    let s = 0;
    for (let k = from + range.kMin; k < from + range.kMax; k++) s += values[k];
    out[q] = Math.fround(s / count);
  }
  return out;
}

/**
 * Arithmetic mean over the layers for each r, then over r (musc.py:205-218): `perSet[f]` is the P
 * scores of feature set f, r outer and layer inner. Float64, as the code's `.double()` scores.
 */
export function meanOverLayersAndR(
  perSet: readonly Float64Array[],
  nR: number,
  nLayers: number,
): Float64Array {
  if (perSet.length !== nR * nLayers)
    throw new Error(`MSM: ${perSet.length} score sets for ${nR}×${nLayers}`);
  const p = perSet[0].length;
  const out = new Float64Array(p);
  const layerMean = new Float64Array(p);
  for (let ri = 0; ri < nR; ri++) {
    layerMean.fill(0);
    for (let li = 0; li < nLayers; li++) {
      const s = perSet[ri * nLayers + li];
      for (let q = 0; q < p; q++) layerMean[q] += s[q];
    }
    for (let q = 0; q < p; q++) out[q] += layerMean[q] / nLayers;
  }
  for (let q = 0; q < p; q++) out[q] /= nR;
  return out;
}
