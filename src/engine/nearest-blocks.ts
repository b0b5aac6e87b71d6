/**
 * Runs the nearest-distance graph (src/model/graphs/nearest-distance.ts) over any number of other
 * images in blocks whose squared-distance matrix stays under a byte bound: M others per run, and,
 * when even one other image's matrix (F·P²·4 bytes) is over the bound, a few feature sets per run.
 * One packing buffer is reused for every block of the same size.
 */
import type { NearestDistances } from './musc-api';
import type { GraphSession } from './runtime';

/** Default bound on one run's F·P·(M·P) float32 distance matrix: 64 MiB, half of WebGPU's default binding limit. */
export const DISTANCE_BLOCK_BYTES = 64 * 2 ** 20;

export interface FeatureShape {
  f: number;
  p: number;
  c: number;
}

export interface BlockPlan {
  /** Feature sets per run (all of them unless one pair's matrix is over the bound). */
  sets: number;
  /** Other images per run. */
  images: number;
}

/** The largest block under `bound` bytes; at least one feature set of one other image. */
export function planBlocks(shape: FeatureShape, others: number, bound = DISTANCE_BLOCK_BYTES): BlockPlan {
  const pair = shape.p * shape.p * 4;
  const perImage = shape.f * pair;
  if (perImage > bound) return { sets: Math.max(1, Math.min(shape.f, Math.floor(bound / pair))), images: 1 };
  return { sets: shape.f, images: Math.max(1, Math.min(others, Math.floor(bound / perImage))) };
}

function checkShapes(query: Float32Array, others: Float32Array[], shape: FeatureShape): void {
  const { f, p, c } = shape;
  if (![f, p, c].every((d) => Number.isInteger(d) && d > 0))
    throw new Error(`nearest distances: invalid shape ${f}×${p}×${c}`);
  const n = f * p * c;
  if (query.length !== n)
    throw new Error(`nearest distances: the query has ${query.length} values, not ${n}`);
  const bad = others.findIndex((o) => o.length !== n);
  if (bad >= 0)
    throw new Error(`nearest distances: other image ${bad} has ${others[bad].length} values, not ${n}`);
}

/**
 * Distances of `query` to each of `others` both ways, in blocks planned under `bound`. `run` executes
 * one session run (the caller serialises runs on its device).
 */
export async function nearestInBlocks(
  session: GraphSession,
  query: Float32Array,
  others: Float32Array[],
  shape: FeatureShape,
  bound: number,
  run: <T>(job: () => Promise<T>) => Promise<T> = (job) => job(),
): Promise<NearestDistances> {
  checkShapes(query, others, shape);
  const { f, p, c } = shape;
  const plan = planBlocks(shape, others.length, bound);
  const queryToOther = others.map(() => new Float32Array(f * p));
  const otherToQuery = others.map(() => new Float32Array(f * p));
  const slab = p * c;
  let packed = new Float32Array(0);
  for (let f0 = 0; f0 < f; f0 += plan.sets) {
    const fs = Math.min(plan.sets, f - f0);
    const q = query.subarray(f0 * slab, (f0 + fs) * slab);
    for (let j0 = 0; j0 < others.length; j0 += plan.images) {
      const m = Math.min(plan.images, others.length - j0);
      if (packed.length !== fs * m * slab) packed = new Float32Array(fs * m * slab);
      // [F, M·P, C]: for each feature set, the M images' P rows one after the other.
      for (let s = 0; s < fs; s++)
        for (let k = 0; k < m; k++)
          packed.set(others[j0 + k].subarray((f0 + s) * slab, (f0 + s + 1) * slab), (s * m + k) * slab);
      const out = await run(() =>
        session.run(
          {
            query: { type: 'float32', data: q, dims: [fs, p, c] },
            others: { type: 'float32', data: packed, dims: [fs, m * p, c] },
          },
          ['query_to_other', 'other_to_query'],
        ),
      );
      const toOther = out.query_to_other.data; // [fs, P, m]
      const toQuery = out.other_to_query.data; // [fs, m, P]
      for (let s = 0; s < fs; s++) {
        for (let k = 0; k < m; k++) {
          const qo = queryToOther[j0 + k];
          const base = (f0 + s) * p;
          for (let i = 0; i < p; i++) qo[base + i] = toOther[(s * p + i) * m + k];
          otherToQuery[j0 + k].set(toQuery.subarray((s * m + k) * p, (s * m + k + 1) * p), base);
        }
      }
    }
  }
  return { queryToOther, otherToQuery };
}
