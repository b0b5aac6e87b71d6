/**
 * Runs the nearest-distance graph (src/model/graphs/nearest-distance.ts) over any number of other
 * images in blocks whose packed input and squared-distance matrix stay under a byte bound: M others
 * per run, and, when even one other image is over the bound, a few feature sets per run.
 * The rows are augmented for the graph's one-product distances while packing; one packing buffer is
 * reused for every block of the same size, and each image's squared row norms are computed once.
 */
import type { NearestDistances } from './musc-api';
import type { GraphSession } from './runtime';

/**
 * Default bound on one run's two big buffers together, the packed others (M·F·P·(C+2) floats) and the
 * distance matrix (M·F·P² floats): 64 MiB, so each stays under WebGPU's default 128 MiB binding limit.
 */
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
  // One feature set of one other image: P rows of C + 2 packed values and P×P distances.
  const perSet = shape.p * (shape.c + 2 + shape.p) * 4;
  const perImage = shape.f * perSet;
  if (perImage > bound)
    return { sets: Math.max(1, Math.min(shape.f, Math.floor(bound / perSet))), images: 1 };
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

/** Squared row norms per image, kept while the image's features live (each image is in many pairs). */
const squaredNorms = new WeakMap<Float32Array, Float32Array>();

function rowNorms(x: Float32Array, c: number): Float32Array {
  let n = squaredNorms.get(x);
  if (!n) {
    n = new Float32Array(x.length / c);
    for (let r = 0; r < n.length; r++) {
      let s = 0;
      for (let i = r * c; i < (r + 1) * c; i++) s += x[i] * x[i];
      n[r] = s;
    }
    squaredNorms.set(x, n);
  }
  return n;
}

/**
 * Writes rows [first, first + rows) of `x` (c values each) into `out` at `at` as K = c + 2 values:
 * the query's [−2x, |x|², 1] or an other image's [y, 1, |y|²] (the −2 scaling is exact).
 */
function augmentRows(
  x: Float32Array,
  c: number,
  first: number,
  rows: number,
  out: Float32Array,
  at: number,
  asQuery: boolean,
): void {
  const norms = rowNorms(x, c);
  const k = c + 2;
  for (let r = 0; r < rows; r++) {
    const src = (first + r) * c;
    const dst = at + r * k;
    if (asQuery) {
      for (let i = 0; i < c; i++) out[dst + i] = -2 * x[src + i];
      out[dst + c] = norms[first + r];
      out[dst + c + 1] = 1;
    } else {
      out.set(x.subarray(src, src + c), dst);
      out[dst + c] = 1;
      out[dst + c + 1] = norms[first + r];
    }
  }
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
  const k = c + 2;
  const plan = planBlocks(shape, others.length, bound);
  const queryToOther = others.map(() => new Float32Array(f * p));
  const otherToQuery = others.map(() => new Float32Array(f * p));
  let packed = new Float32Array(0);
  for (let f0 = 0; f0 < f; f0 += plan.sets) {
    const fs = Math.min(plan.sets, f - f0);
    const q = new Float32Array(fs * p * k);
    augmentRows(query, c, f0 * p, fs * p, q, 0, true);
    for (let j0 = 0; j0 < others.length; j0 += plan.images) {
      const m = Math.min(plan.images, others.length - j0);
      if (packed.length !== m * fs * p * k) packed = new Float32Array(m * fs * p * k);
      // [M, F, P, K]: each image's rows of these feature sets, one image after the other.
      for (let j = 0; j < m; j++)
        augmentRows(others[j0 + j], c, f0 * p, fs * p, packed, j * fs * p * k, false);
      const out = await run(() =>
        session.run(
          {
            query: { type: 'float32', data: q, dims: [fs, p, k] },
            others: { type: 'float32', data: packed, dims: [m, fs, p, k] },
          },
          ['query_to_other', 'other_to_query'],
        ),
      );
      // Both [m, fs, P]: image j's block is contiguous.
      for (let j = 0; j < m; j++) {
        const from = j * fs * p;
        queryToOther[j0 + j].set(out.query_to_other.data.subarray(from, from + fs * p), f0 * p);
        otherToQuery[j0 + j].set(out.other_to_query.data.subarray(from, from + fs * p), f0 * p);
      }
    }
  }
  return { queryToOther, otherToQuery };
}
