/**
 * The few-shot association in plain JS, a reference for tests and benchmarks only. Production runs it
 * on the inference device (src/model/graphs/association.ts, called by the engine); these functions
 * check that graph's arithmetic against the fixture and time what it replaces.
 */
import { type ScoringParameters, scoringParameters } from './score-options';
import { type FewShotTile, fewShotFromAssociations, fewShotQueries, type Memory } from './scoring';
import type { Geometry, TileFeatures } from './types';

function rowCount(x: Float32Array, dim: number, what: string): number {
  if (!(dim > 0) || x.length % dim !== 0)
    throw new Error(`${what}: length ${x.length} is not a multiple of ${dim}`);
  return x.length / dim;
}

/**
 * Association M(x) = min over all memory rows r of (1 − cos(x, r)) / 2, per query row.
 * Register blocking: 4 query rows × 2 memory rows per inner loop, so each load feeds several products.
 * Clamped at 0: cos can exceed 1 by rounding, and a negative value would break harmonic pooling.
 */
export function associate(query: Float32Array, dim: number, memoryNormalized: Float32Array): Float32Array {
  const nq = rowCount(query, dim, 'associate query');
  const m = rowCount(memoryNormalized, dim, 'associate memory');
  if (m === 0) throw new Error('associate: empty memory');
  const blocks = Math.ceil(nq / 4);
  // Normalised queries, zero-padded to a multiple of 4 rows.
  const q = new Float64Array(blocks * 4 * dim);
  for (let r = 0; r < nq; r++) {
    const o = r * dim;
    let ss = 0;
    for (let d = 0; d < dim; d++) ss += query[o + d] * query[o + d];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let d = 0; d < dim; d++) q[o + d] = query[o + d] * inv;
  }
  const mem = memoryNormalized;
  const best = new Float64Array(blocks * 4).fill(Number.NEGATIVE_INFINITY);
  const pairs = m >> 1;
  for (let b = 0; b < blocks; b++) {
    const o0 = b * 4 * dim;
    const o1 = o0 + dim;
    const o2 = o1 + dim;
    const o3 = o2 + dim;
    let b0 = Number.NEGATIVE_INFINITY;
    let b1 = b0;
    let b2 = b0;
    let b3 = b0;
    for (let p = 0; p < pairs; p++) {
      const ra = 2 * p * dim;
      const rb = ra + dim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      for (let d = 0; d < dim; d++) {
        const v = mem[ra + d];
        const w = mem[rb + d];
        const x0 = q[o0 + d];
        const x1 = q[o1 + d];
        const x2 = q[o2 + d];
        const x3 = q[o3 + d];
        a0 += x0 * v;
        a1 += x1 * v;
        a2 += x2 * v;
        a3 += x3 * v;
        c0 += x0 * w;
        c1 += x1 * w;
        c2 += x2 * w;
        c3 += x3 * w;
      }
      if (a0 > b0) b0 = a0;
      if (c0 > b0) b0 = c0;
      if (a1 > b1) b1 = a1;
      if (c1 > b1) b1 = c1;
      if (a2 > b2) b2 = a2;
      if (c2 > b2) b2 = c2;
      if (a3 > b3) b3 = a3;
      if (c3 > b3) b3 = c3;
    }
    if (m % 2 === 1) {
      const ra = (m - 1) * dim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let d = 0; d < dim; d++) {
        const v = mem[ra + d];
        a0 += q[o0 + d] * v;
        a1 += q[o1 + d] * v;
        a2 += q[o2 + d] * v;
        a3 += q[o3 + d] * v;
      }
      if (a0 > b0) b0 = a0;
      if (a1 > b1) b1 = a1;
      if (a2 > b2) b2 = a2;
      if (a3 > b3) b3 = a3;
    }
    best[4 * b] = b0;
    best[4 * b + 1] = b1;
    best[4 * b + 2] = b2;
    best[4 * b + 3] = b3;
  }
  const out = new Float32Array(nq);
  for (let r = 0; r < nq; r++) out[r] = Math.max(0, (1 - best[r]) / 2);
  return out;
}

/**
 * Visual association of one tile against the reference memories: M^P per cell, M^k per window pooled
 * to cells, M^W their arithmetic mean. The same
 * arithmetic as the engine's association graph, in plain JS.
 */
export function fewShotTile(
  features: TileFeatures,
  memory: Memory,
  geom: Geometry,
  params: Pick<ScoringParameters, 'scales' | 'aggregation'> = scoringParameters(),
): FewShotTile {
  const { scales } = params;
  const { embedDim, visionWidth } = geom;
  const queries = fewShotQueries(features, geom, scales);
  const windows = new Map<number, Float32Array>();
  for (const k of scales) {
    const mem = memory.windows.get(k);
    if (!mem) throw new Error(`scoreTile: memory has no scale-${k} windows`);
    windows.set(k, associate(queries.windows.get(k)!, embedDim, mem));
  }
  return fewShotFromAssociations(
    associate(queries.patches, visionWidth, memory.patches),
    windows,
    geom,
    params,
  );
}
