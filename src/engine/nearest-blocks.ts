/**
 * Runs the nearest-distance graph (src/model/graphs/nearest-distance.ts) over any number of other
 * images in blocks whose packed input and squared-distance matrix stay under a byte bound: M others
 * per run, and, when even one other image is over the bound, a few feature sets per run.
 * Packing stacks each feature set's slabs of the block's images (none when a run holds one image, whose
 * F×P×C layout is already [F, 1·P, C]) into one buffer per call.
 */
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
  // One feature set of one other image: P rows of C packed values and P×P distances.
  const perSet = shape.p * (shape.c + shape.p) * 4;
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
  buffers: PackBuffer = new PackBuffer(),
): Promise<NearestDistances> {
  checkShapes(query, others, shape);
  const { f, p, c } = shape;
  const plan = planBlocks(shape, others.length, limits.bound, limits.maxImages);
  const queryToOther = others.map(() => new Float32Array(f * p));
  const otherToQuery = others.map(() => new Float32Array(f * p));
  const slab = p * c;
  // Sized for the largest block; smaller blocks use its front.
  const packed = plan.images > 1 ? buffers.take(plan.images * plan.sets * slab) : null;
  try {
    for (let f0 = 0; f0 < f; f0 += plan.sets) {
      const fs = Math.min(plan.sets, f - f0);
      const q = query.subarray(f0 * slab, (f0 + fs) * slab);
      for (let j0 = 0; j0 < others.length; j0 += plan.images) {
        const m = Math.min(plan.images, others.length - j0);
        // [fs, m·P, C]: set s of image j goes to rows (s·m + j)·P.
        let block = others[j0].subarray(f0 * slab, (f0 + fs) * slab);
        if (m > 1 && packed) {
          block = packed.subarray(0, m * fs * slab);
          for (let s = 0; s < fs; s++)
            for (let j = 0; j < m; j++) {
              const from = (f0 + s) * slab;
              block.set(others[j0 + j].subarray(from, from + slab), (s * m + j) * slab);
            }
        }
        const out = await run(() =>
          session.run(
            {
              query: { type: 'float32', data: q, dims: [fs, p, c] },
              others: { type: 'float32', data: block, dims: [fs, m * p, c] },
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
    if (packed) buffers.give(packed);
  }
  return { queryToOther, otherToQuery };
}
