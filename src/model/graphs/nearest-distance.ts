/**
 * Nearest-neighbour Euclidean distances between one query image and a block of M other images, per
 * feature set, both ways (METHOD-musc.md §4), as one broadcast MatMul and two reductions.
 * Squared distances take torch.cdist's matmul form |x|² + |y|² − 2x·y (the −2 scaling is exact),
 * clamped at 0; the minima are taken before the clamp and the square root, which are monotone.
 * Inputs: query [F, P, C]; others [M, F, P, C] (each image one contiguous block, so packing a block is
 * one copy per image). Outputs, both [M, F, P]: query_to_other (query patch → least distance to image
 * m) and other_to_query (patch of image m → least distance to the query). Weight-free and
 * size-agnostic: one session serves every F, P, C and M. Plain ops only, so it runs on WebGPU too.
 */
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';

export function buildNearestDistanceGraph(): BuiltGraph {
  const g = new GraphBuilder('nearest_distance', null);
  const q = g.input('query', DType.FLOAT, ['sets', 'patches', 'dim']);
  const o = g.input('others', DType.FLOAT, ['images', 'sets', 'patches', 'dim']);
  const qn = g.op('ReduceSumSquare', [q], { axes: [2], keepdims: 1 }); // [F, P, 1]
  const on = g.op('ReduceSumSquare', [o], { axes: [3], keepdims: 1 }); // [M, F, P, 1]
  const onRow = g.op('Transpose', [on], { perm: [0, 1, 3, 2] }); // [M, F, 1, P]
  const dot2 = g.op('MatMul', [
    g.op('Mul', [q, g.constFloat([-2], [])]),
    g.op('Transpose', [o], { perm: [0, 1, 3, 2] }),
  ]); // [M, F, P, P]: −2x·y
  const d2 = g.op('Add', [g.op('Add', [dot2, qn]), onRow]);
  const zero = g.constFloat([0], []);
  const dist = (sq: string) => g.op('Sqrt', [g.op('Max', [sq, zero])]);
  const toOther = dist(g.op('ReduceMin', [d2], { axes: [3], keepdims: 0 }));
  const toQuery = dist(g.op('ReduceMin', [d2], { axes: [2], keepdims: 0 }));
  g.output(toOther, 'query_to_other', DType.FLOAT, ['images', 'sets', 'patches']);
  g.output(toQuery, 'other_to_query', DType.FLOAT, ['images', 'sets', 'patches']);
  return { model: g.serialize(), externalData: [] };
}
