/**
 * Nearest-neighbour Euclidean distances between one query image and a block of M other images, per
 * feature set, both ways (METHOD-musc.md §4), as one MatMul per feature set and two reductions.
 * Squared distances take torch.cdist's matmul form |x|² + |y|² − 2x·y, built as torch's
 * `_euclidean_dist` builds it: the caller appends two columns to every row, query rows as
 * (−2x, |x|², 1) and other rows as (y, 1, |y|²), so the one product yields the squared distances with no
 * broadcast additions and no norms recomputed per pair (those two passes cost ~35 % of a run on CPU).
 * The minima are taken before the clamp at 0 and the square root, which are monotone.
 * Inputs: query [F, P, C+2]; others [F, M·P, C+2]: per feature set, the M images' patches stacked, so
 * each set is one P × (C+2) by (C+2) × M·P product (a wide GEMM that uses the cores better than M small
 * ones). Outputs: query_to_other [F, P, M] (query patch → least distance to image m) and
 * other_to_query [F, M·P] (patch of image m → least distance to the query). Weight-free and
 * size-agnostic: one session serves every F, P, C and M. Plain ops only, so it runs on WebGPU too.
 */
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';

/** Columns the caller appends to each row of both inputs (see the header). */
export const NORM_COLUMNS = 2;

export function buildNearestDistanceGraph(): BuiltGraph {
  const g = new GraphBuilder('nearest_distance', null);
  const q = g.input('query', DType.FLOAT, ['sets', 'patches', 'dim']);
  const o = g.input('others', DType.FLOAT, ['sets', 'rows', 'dim']);
  const d2 = g.op('MatMul', [q, g.op('Transpose', [o], { perm: [0, 2, 1] })]); // [F, P, M·P]
  // [F, P, M, P]: F and P from the query, M inferred, so each other image's columns are the last axis.
  const patches = g.op('Gather', [g.op('Shape', [q]), g.constInt64([1])], { axis: 0 });
  const perImage = g.op('Concat', [g.shapeOf(q, [0, 1], [-1]), patches], { axis: 0 });
  const zero = g.constFloat([0], []);
  const dist = (sq: string) => g.op('Sqrt', [g.op('Max', [sq, zero])]);
  const toOther = dist(g.op('ReduceMin', [g.op('Reshape', [d2, perImage])], { axes: [3], keepdims: 0 }));
  const toQuery = dist(g.op('ReduceMin', [d2], { axes: [1], keepdims: 0 }));
  g.output(toOther, 'query_to_other', DType.FLOAT, ['sets', 'patches', 'images']);
  g.output(toQuery, 'other_to_query', DType.FLOAT, ['sets', 'rows']);
  return { model: g.serialize(), externalData: [] };
}
