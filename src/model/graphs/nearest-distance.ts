/**
 * Nearest-neighbour Euclidean distances between one query image and a block of M other images, per
 * feature set, both ways (METHOD-musc.md §4), as one broadcast MatMul and two reductions.
 * Squared distances take torch.cdist's matmul form: the caller augments each row, the query's as
 * [−2x, |x|², 1] and the others' as [y, 1, |y|²] (K = C + 2), so one product gives |x|² + |y|² − 2x·y.
 * Inputs: query [F, P, K]; others [M, F, P, K] (each image one contiguous block, so packing is a copy
 * per image). Outputs, both [M, F, P]: query_to_other (query patch → least distance to image m) and
 * other_to_query (patch of image m → least distance to the query). The minima are taken before the
 * clamp at 0 and the square root, which are monotone. Weight-free and size-agnostic: one session
 * serves every F, P, K and M. Plain ops only, so it runs on WebGPU as on the CPU.
 */
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';

export function buildNearestDistanceGraph(): BuiltGraph {
  const g = new GraphBuilder('nearest_distance', null);
  const q = g.input('query', DType.FLOAT, ['sets', 'patches', 'k']);
  const o = g.input('others', DType.FLOAT, ['images', 'sets', 'patches', 'k']);
  const d2 = g.op('MatMul', [q, g.op('Transpose', [o], { perm: [0, 1, 3, 2] })]); // [M, F, P, P]
  const zero = g.constFloat([0], []);
  const dist = (sq: string) => g.op('Sqrt', [g.op('Max', [sq, zero])]);
  const toOther = dist(g.op('ReduceMin', [d2], { axes: [3], keepdims: 0 }));
  const toQuery = dist(g.op('ReduceMin', [d2], { axes: [2], keepdims: 0 }));
  g.output(toOther, 'query_to_other', DType.FLOAT, ['images', 'sets', 'patches']);
  g.output(toQuery, 'other_to_query', DType.FLOAT, ['images', 'sets', 'patches']);
  return { model: g.serialize(), externalData: [] };
}
