/**
 * Vision tower graph, one graph for the full pass and every window pass.
 * Inputs: pixels [1, 3, S, S]; token_index [N, T]: which rows of the token sequence
 * [CLS, patch_1 … patch_P] (after patch + positional embedding, before ln_pre) form each of N
 * sequences. The full pass is the single sequence [0 … P]; a window of k×k patches is
 * [0, its patch rows] — "dropping" the other patches (METHOD.md §3). All windows of a scale run
 * as one batch.
 * Outputs: embedding [N, E] = ln_post(CLS) @ proj; tokens [N, T−1, W] = ln_post of the
 * non-CLS tokens (F^P for the full pass); feature_map [1+P, W] (pre-ln_pre tokens).
 */
import type { ModelConfig } from '../config';
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';
import type { ModelWeights } from '../weights';

export function buildImageEncoder(cfg: ModelConfig, weights: ModelWeights): BuiltGraph {
  const v = cfg.vision;
  const P = v.grid * v.grid;
  const g = new GraphBuilder('image_encoder', weights);
  const pixels = g.input('pixels', DType.FLOAT, [1, 3, v.imageSize, v.imageSize]);
  const index = g.input('token_index', DType.INT64, ['sequences', 'tokens']);

  const conv = g.op('Conv', [pixels, g.weight('visual.conv1.weight')], {
    kernel_shape: [v.patchSize, v.patchSize],
    strides: [v.patchSize, v.patchSize],
  }); // [1, W, g, g]
  const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constInt64([v.width, P])])], { perm: [1, 0] }); // [P, W]
  const cls = g.op('Reshape', [g.weight('visual.class_embedding'), g.constInt64([1, v.width])]);
  const tokens = g.op('Concat', [cls, patches], { axis: 0 });
  const featureMap = g.op('Add', [tokens, g.weight('visual.positional_embedding')]); // [1+P, W]

  const seq = g.op('Gather', [featureMap, index], { axis: 0 }); // [N, T, W]
  const shape4 = g.shapeOf(index, [0, 1], [v.heads, v.width / v.heads]);
  let x = g.layerNorm(g.op('Reshape', [seq, g.constInt64([-1, v.width])]), 'visual.ln_pre');
  for (let i = 0; i < v.layers; i++) {
    x = g.residualBlock(x, `visual.transformer.resblocks.${i}`, v, shape4, cfg.quickGelu);
  }
  const post = g.layerNorm(x, 'visual.ln_post');
  const post3 = g.op('Reshape', [post, g.shapeOf(index, [0, 1], [v.width])]); // [N, T, W]
  const clsOut = g.op('Gather', [post3, g.constInt64([0], [])], { axis: 1 }); // [N, W]
  const emb = g.op('MatMul', [clsOut, g.weight('visual.proj')]);
  const rest = g.op('Slice', [post3, g.constInt64([1]), g.constInt64([2 ** 31 - 1]), g.constInt64([1])]);
  g.output(emb, 'embedding', DType.FLOAT, ['sequences', cfg.embedDim]);
  g.output(rest, 'tokens', DType.FLOAT, ['sequences', 'patch_tokens', v.width]);
  g.output(featureMap, 'feature_map', DType.FLOAT, [P + 1, v.width]);
  return { model: g.serialize(), externalData: weights.filesFor(g.weightNames()) };
}
