/**
 * Text tower graph. Inputs: ids [B, L] (L = the batch's longest prompt, not 77 — attention is
 * causal, so trailing padding never influences earlier positions), attn_mask [L, L] (0 / −inf),
 * eot_index [B] (flat row b·L + position of <|endoftext|>). Output: text_embedding [B, E],
 * un-normalised, exactly OpenCLIP's encode_text(normalize=False).
 */
import type { ModelConfig } from '../config';
import { type BuiltGraph, GraphBuilder } from '../onnx/graph-builder';
import { DType } from '../onnx/onnx-model';
import type { ModelWeights } from '../weights';

export function buildTextEncoder(cfg: ModelConfig, weights: ModelWeights): BuiltGraph {
  const t = cfg.text;
  const g = new GraphBuilder('text_encoder', weights);
  const ids = g.input('ids', DType.INT64, ['batch', 'length']);
  const mask = g.input('attn_mask', DType.FLOAT, ['length', 'length']);
  const eot = g.input('eot_index', DType.INT64, ['batch']);

  const tok = g.op('Gather', [g.weight('token_embedding.weight'), ids], { axis: 0 }); // [B, L, C]
  const len = g.op('Gather', [g.op('Shape', [ids]), g.constInt64([1])], { axis: 0 });
  const pos = g.op('Slice', [g.weight('positional_embedding'), g.constInt64([0]), len, g.constInt64([0])]);
  const x3 = g.op('Add', [tok, pos]);
  const shape4 = g.shapeOf(ids, [0, 1], [t.heads, t.width / t.heads]);
  let x = g.op('Reshape', [x3, g.constInt64([-1, t.width])]);
  for (let i = 0; i < t.layers; i++) {
    x = g.residualBlock(x, `transformer.resblocks.${i}`, t, shape4, cfg.quickGelu, mask);
  }
  // LayerNorm is per token, so pooling first and normalising the pooled rows is identical.
  const pooled = g.op('Gather', [x, eot], { axis: 0 });
  const normed = g.layerNorm(pooled, 'ln_final');
  const emb = g.op('MatMul', [normed, g.weight('text_projection')]);
  g.output(emb, 'text_embedding', DType.FLOAT, ['batch', cfg.embedDim]);
  return { model: g.serialize(), externalData: weights.filesFor(g.weightNames()) };
}
