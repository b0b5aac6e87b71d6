/**
 * Vision tower graph of the lot mode (METHOD-musc.md §2): one image at input side S (any multiple of
 * the patch size), all tokens, no windows. Outputs the raw residual stream after each requested block
 * (`block_<i>` [1+P, W], token 0 = class token, no ln_post, no proj) and `embedding` [1, E] =
 * ln_post(class token after the last block) @ proj. Every block runs, since the embedding needs the last.
 * At S other than the model's own, the positional embedding is the caller's resized one (§11).
 */
import type { ModelConfig } from '../config';
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';
import type { ModelWeights } from '../weights';

export interface BlockTokensSpec {
  /** Input side S. */
  size: number;
  /** 0-based block indices, ascending, each < the number of blocks. */
  layers: readonly number[];
  /** (1 + (S/p)²)×W positional embedding for S ≠ the native size; omitted, the model's own. */
  positional?: Float32Array;
}

export const blockOutputName = (layer: number) => `block_${layer}`;

/** Why the lot mode cannot run this model at input side `size` on blocks `layers`, or null. */
export function blockTokensProblem(cfg: ModelConfig, size: number, layers: readonly number[]): string | null {
  const v = cfg.vision;
  if (!(Number.isInteger(size) && size >= v.patchSize && size % v.patchSize === 0))
    return `the lot mode's input size must be a positive multiple of the patch size ${v.patchSize}, got ${size}`;
  if (layers.length === 0) return 'the lot mode needs at least one block';
  for (const [i, l] of layers.entries()) {
    if (!(Number.isInteger(l) && l >= 0 && l < v.layers))
      return `block ${l} does not exist: this model has blocks 0 to ${v.layers - 1}`;
    if (i > 0 && l <= layers[i - 1])
      return `blocks must be ascending and distinct, got [${layers.join(', ')}]`;
  }
  return null;
}

export function buildBlockTokensGraph(
  cfg: ModelConfig,
  weights: ModelWeights,
  spec: BlockTokensSpec,
): BuiltGraph {
  const v = cfg.vision;
  const { size, layers } = spec;
  const problem = blockTokensProblem(cfg, size, layers);
  if (problem) throw new Error(problem);
  const g = size / v.patchSize;
  const P = g * g;
  if (spec.positional && spec.positional.length !== (1 + P) * v.width)
    throw new Error(`positional embedding: expected ${(1 + P) * v.width} values for input size ${size}`);
  if (!spec.positional && size !== v.imageSize)
    throw new Error(
      `input size ${size} is not the model's ${v.imageSize}: a resized positional embedding is needed`,
    );
  const b = new GraphBuilder('block_tokens', weights);
  const pixels = b.input('pixels', DType.FLOAT, [1, 3, size, size]);
  const conv = b.op('Conv', [pixels, b.weight('visual.conv1.weight')], {
    kernel_shape: [v.patchSize, v.patchSize],
    strides: [v.patchSize, v.patchSize],
  }); // [1, W, g, g]
  const patches = b.op('Transpose', [b.op('Reshape', [conv, b.constInt64([v.width, P])])], { perm: [1, 0] });
  const cls = b.op('Reshape', [b.weight('visual.class_embedding'), b.constInt64([1, v.width])]);
  const tokens = b.op('Concat', [cls, patches], { axis: 0 }); // [1+P, W]
  const pos = spec.positional
    ? b.constFloat(spec.positional, [1 + P, v.width])
    : b.weight('visual.positional_embedding');
  let x = b.layerNorm(b.op('Add', [tokens, pos]), 'visual.ln_pre');
  const shape4 = b.constInt64([1, 1 + P, v.heads, v.width / v.heads]);
  const wanted = new Set(layers);
  for (let i = 0; i < v.layers; i++) {
    x = b.residualBlock(x, `visual.transformer.resblocks.${i}`, v, shape4, cfg.quickGelu);
    if (wanted.has(i)) b.output(x, blockOutputName(i), DType.FLOAT, [1 + P, v.width]);
  }
  const clsOut = b.op('Slice', [x, b.constInt64([0]), b.constInt64([1]), b.constInt64([0])]); // [1, W]
  const emb = b.op('MatMul', [b.layerNorm(clsOut, 'visual.ln_post'), b.weight('visual.proj')]);
  b.output(emb, 'embedding', DType.FLOAT, [1, cfg.embedDim]);
  return { model: b.serialize(), externalData: weights.filesFor(b.weightNames()) };
}
