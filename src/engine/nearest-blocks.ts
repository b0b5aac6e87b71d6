/**
 * Runs the nearest-distance graph (src/model/graphs/nearest-distance.ts) over any number of other
 * images in blocks whose packed input and squared-distance matrix stay under a byte bound: M others
 * per run, and, when even one other image is over the bound, a few feature sets per run.
 * Packing stacks each feature set's slabs of the block's images into one buffer per call, every row
 * with the graph's two norm columns appended (`NORM_COLUMNS`); each image's squared row norms are
 * computed once and kept with it, not once per pair.
 */
import { NORM_COLUMNS } from '../model/graphs/nearest-distance';
import type { NearestDistances } from './musc-api';
import type { GraphSession } from './runtime';

/**
 * Default bound on one run's two big buffers together, the packed others (M·F·P·C floats) and the
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

/**
 * The largest block under `bound` bytes and `maxImages` other images; at least one feature set of one
 * other image.
 */
export function planBlocks(
  shape: FeatureShape,
  others: number,
  bound = DISTANCE_BLOCK_BYTES,
  maxImages = Number.POSITIVE_INFINITY,
): BlockPlan {
  // One feature set of one other image: P rows of C + 2 packed values and P×P distances.
  const perSet = shape.p * (shape.c + NORM_COLUMNS + shape.p) * 4;
  const perImage = shape.f * perSet;
  if (perImage > bound)
    return { sets: Math.max(1, Math.min(shape.f, Math.floor(bound / perSet))), images: 1 };
  return { sets: shape.f, images: Math.max(1, Math.min(others, maxImages, Math.floor(bound / perImage))) };
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
 * One packing buffer kept between calls: a fresh buffer of tens of MiB per call cost more than the
 * runs themselves here (zero-filled pages faulted in, then collected). Taken and given back, so two
 * calls in flight never share it.
 */
export class PackBuffer {
  private spare: Float32Array | null = null;

  take(length: number): Float32Array {
    const b = this.spare;
    this.spare = null;
    return b && b.length >= length ? b : new Float32Array(length);
  }

  give(b: Float32Array): void {
    if (!this.spare || this.spare.length < b.length) this.spare = b;
  }
}

/**
 * What distance calls reuse: the packing buffers (query and others) and each feature array's squared
 * row norms, keyed by the array, which callers never change once passed (the lot keeps them as is).
 */
export class DistanceScratch {
  readonly query = new PackBuffer();
  readonly others = new PackBuffer();
  private readonly norms = new WeakMap<Float32Array, Float32Array>();

  /** |x|² of each row of `width` values, summed in float64 (at least torch's float32 accuracy). */
  squaredNorms(x: Float32Array, width: number): Float32Array {
    let n = this.norms.get(x);
    if (!n) {
      n = new Float32Array(x.length / width);
      for (let r = 0, o = 0; r < n.length; r++, o += width) {
        let sq = 0;
        for (let c = 0; c < width; c++) sq += x[o + c] * x[o + c];
        n[r] = sq;
      }
      this.norms.set(x, n);
    }
    return n;
  }
}

export interface BlockLimits {
  /** Bytes of one run's packed others and distance matrix together. */
  bound: number;
  /** Other images per run at most. */
  maxImages: number;
}

/**
 * Distances of `query` to each of `others` both ways, in blocks planned under `limits`. `run` executes
 * one session run (the caller serialises runs on its device).
 */
export async function nearestInBlocks(
  session: GraphSession,
  query: Float32Array,
  others: Float32Array[],
  shape: FeatureShape,
  limits: BlockLimits,
  run: <T>(job: () => Promise<T>) => Promise<T> = (job) => job(),
  scratch: DistanceScratch = new DistanceScratch(),
): Promise<NearestDistances> {
  checkShapes(query, others, shape);
  const { f, p, c } = shape;
  const plan = planBlocks(shape, others.length, limits.bound, limits.maxImages);
  const queryToOther = others.map(() => new Float32Array(f * p));
  const otherToQuery = others.map(() => new Float32Array(f * p));
  const w = c + NORM_COLUMNS;
  // Query rows (−2x, |x|², 1) for all sets; the −2 scaling is exact.
  const packedQuery = scratch.query.take(f * p * w);
  const qNorms = scratch.squaredNorms(query, c);
  for (let r = 0; r < f * p; r++) {
    const from = r * c;
    const to = r * w;
    for (let k = 0; k < c; k++) packedQuery[to + k] = -2 * query[from + k];
    packedQuery[to + c] = qNorms[r];
    packedQuery[to + c + 1] = 1;
  }
  // Sized for the largest block; smaller blocks use its front.
  const packed = scratch.others.take(plan.images * plan.sets * p * w);
  try {
    for (let f0 = 0; f0 < f; f0 += plan.sets) {
      const fs = Math.min(plan.sets, f - f0);
      const q = packedQuery.subarray(f0 * p * w, (f0 + fs) * p * w);
      for (let j0 = 0; j0 < others.length; j0 += plan.images) {
        const m = Math.min(plan.images, others.length - j0);
        // [fs, m·P, C+2]: set s of image j goes to rows (s·m + j)·P, each row (y, 1, |y|²).
        const block = packed.subarray(0, m * fs * p * w);
        for (let j = 0; j < m; j++) {
          const x = others[j0 + j];
          const norms = scratch.squaredNorms(x, c);
          for (let s = 0; s < fs; s++)
            for (let i = 0; i < p; i++) {
              const row = (f0 + s) * p + i;
              const to = ((s * m + j) * p + i) * w;
              block.set(x.subarray(row * c, (row + 1) * c), to);
              block[to + c] = 1;
              block[to + c + 1] = norms[row];
            }
        }
        const out = await run(() =>
          session.run(
            {
              query: { type: 'float32', data: q, dims: [fs, p, w] },
              others: { type: 'float32', data: block, dims: [fs, m * p, w] },
            },
            ['query_to_other', 'other_to_query'],
          ),
        );
        // query_to_other [fs, P, m]: image j strided by m; other_to_query [fs, m·P]: image j's P contiguous.
        const toOther = out.query_to_other.data;
        const toQuery = out.other_to_query.data;
        for (let j = 0; j < m; j++) {
          const qo = queryToOther[j0 + j];
          const oq = otherToQuery[j0 + j];
          for (let s = 0; s < fs; s++) {
            const at = (f0 + s) * p;
            for (let i = 0; i < p; i++) qo[at + i] = toOther[(s * p + i) * m + j];
            oq.set(toQuery.subarray((s * m + j) * p, (s * m + j + 1) * p), at);
          }
        }
      }
    }
  } finally {
    scratch.others.give(packed);
    scratch.query.give(packedQuery);
  }
  return { queryToOther, otherToQuery };
}
