/**
 * Few-shot visual association as a graph, so it runs on the inference device (GPU or native CPU
 * kernels) instead of a JS loop: for each query row, min over memory rows of (1 − cos)/2.
 * Inputs: query [n, D] (raw features), memory [m, D] (rows already L2-normalised). Output: [n].
 * Weight-free and dimension-agnostic: one session serves patch and window memories.
 */
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';

export function buildAssociationGraph(): BuiltGraph {
  const g = new GraphBuilder('association', null);
  const q = g.input('query', DType.FLOAT, ['n', 'dim']);
  const mem = g.input('memory', DType.FLOAT, ['m', 'dim']);
  const norm = g.op('ReduceL2', [q], { axes: [1], keepdims: 1 });
  // All-zero rows stay zero instead of NaN, as in the JS reference (src/core/association.test-helpers.ts).
  const safe = g.op('Max', [norm, g.constFloat([1e-30], [])]);
  const unit = g.op('Div', [q, safe]);
  const cos = g.op('MatMul', [unit, g.op('Transpose', [mem], { perm: [1, 0] })]); // [n, m]
  const best = g.op('ReduceMax', [cos], { axes: [1], keepdims: 0 });
  const dist = g.op('Mul', [g.op('Sub', [g.constFloat([1], []), best]), g.constFloat([0.5], [])]);
  // cos can exceed 1 by rounding; a negative distance would break harmonic pooling.
  const out = g.op('Max', [dist, g.constFloat([0], [])]);
  g.output(out, 'distance', DType.FLOAT, ['n']);
  return { model: g.serialize(), externalData: [] };
}
