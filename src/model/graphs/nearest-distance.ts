/**
 * Nearest-neighbour Euclidean distances between one query image and a block of M other images, per
 * feature set, both ways (METHOD-musc.md §4), as one batched MatMul and two reductions.
 * Inputs: query [F, P, C]; others [F, M·P, C] (image m's P rows at m·P). Outputs: query_to_other
 * [F, P, M] (query patch → least distance to image m) and other_to_query [F, M, P].
 * Squared distances take torch.cdist's matmul form, |x|² + |y|² − 2x·y summed inside one product of
 * the augmented rows [−2x, |x|², 1]·[y, 1, |y|²] (the −2 scaling is exact), clamped at 0; the minima
 * are taken before the square root, which is monotone. Weight-free and size-agnostic: one session
 * serves every F, P, C and M. Plain ops only, so it runs on WebGPU as on the CPU.
 */
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';

export function buildNearestDistanceGraph(): BuiltGraph {
  const g = new GraphBuilder('nearest_distance', null);
  const q = g.input('query', DType.FLOAT, ['sets', 'patches', 'dim']);
  const o = g.input('others', DType.FLOAT, ['sets', 'other_rows', 'dim']);
  const qn = g.op('ReduceSumSquare', [q], { axes: [2], keepdims: 1 }); // [F, P, 1]
  const on = g.op('ReduceSumSquare', [o], { axes: [2], keepdims: 1 }); // [F, MP, 1]
  const one = g.constFloat([1], [1, 1, 1]);
  const qOnes = g.op('Expand', [one, g.op('Shape', [qn])]);
  const oOnes = g.op('Expand', [one, g.op('Shape', [on])]);
  const qAug = g.op('Concat', [g.op('Mul', [q, g.constFloat([-2], [])]), qn, qOnes], { axis: 2 });
  const oAug = g.op('Concat', [o, oOnes, on], { axis: 2 });
  const d2 = g.op('MatMul', [qAug, g.op('Transpose', [oAug], { perm: [0, 2, 1] })]); // [F, P, MP]
  // [F, P, M, P]: 0 keeps F and P, −1 is M, the last the query's P (every image has the same grid).
  const p = g.op('Gather', [g.op('Shape', [q]), g.constInt64([1])], { axis: 0 });
  const d4 = g.op('Reshape', [d2, g.op('Concat', [g.constInt64([0, 0, -1]), p], { axis: 0 })]);
  const zero = g.constFloat([0], []);
  const dist = (sq: string) => g.op('Sqrt', [g.op('Max', [sq, zero])]);
  const toOther = dist(g.op('ReduceMin', [d4], { axes: [3], keepdims: 0 })); // [F, P, M]
  const toQuery = dist(g.op('ReduceMin', [d4], { axes: [1], keepdims: 0 })); // [F, M, P]
  g.output(toOther, 'query_to_other', DType.FLOAT, ['sets', 'patches', 'images']);
  g.output(toQuery, 'other_to_query', DType.FLOAT, ['sets', 'images', 'patches']);
  return { model: g.serialize(), externalData: [] };
}
