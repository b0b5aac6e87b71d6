/**
 * Random OpenCLIP weights for any config, in memory: lets tests and benchmarks run full-size
 * shapes (e.g. ViT-B-16-plus-240) without downloading a checkpoint. Scaled like a trained net
 * (unit-variance activations) so numerics are representative; values mean nothing.
 */
import { mulberry32 } from '../core/random';
import type { ModelConfig } from './config';
import { textTensors, visionTensors } from './openclip-layout';
import { f32ToBf16, f32ToF16, type TensorToWrite, writeSafetensors } from './safetensors-writer';

function fill(n: number, rand: () => number, std: number, mean = 0): Float32Array {
  // Uniform with the requested std: sqrt(3)·std half-width. Cheap for 200M+ values.
  const a = Math.sqrt(3) * std * 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = mean + (rand() - 0.5) * a;
  return out;
}

export function randomTensors(
  cfg: ModelConfig,
  seed = 0,
): { name: string; shape: number[]; data: Float32Array }[] {
  const rand = mulberry32(seed);
  const out: { name: string; shape: number[]; data: Float32Array }[] = [];
  for (const [name, shape] of [...visionTensors(cfg), ...textTensors(cfg)]) {
    const n = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    if (/ln_\w+\.weight$|ln_final\.weight$/.test(name)) data = fill(n, rand, 0.1, 1);
    else if (name.endsWith('bias')) data = fill(n, rand, 0.02);
    else if (shape.length === 2 && !name.includes('embedding')) {
      // torch Linear weights are [out, in]; the two projections are used as x @ P, so [in, out].
      const fanIn = name === 'visual.proj' || name === 'text_projection' ? shape[0] : shape[1];
      data = fill(n, rand, 1 / Math.sqrt(fanIn));
    } else if (name === 'visual.conv1.weight')
      data = fill(n, rand, 1 / Math.sqrt(shape[1] * shape[2] * shape[3]));
    else data = fill(n, rand, 0.02);
    out.push({ name, shape, data });
  }
  out.push({ name: 'logit_scale', shape: [], data: Float32Array.of(Math.log(100)) });
  return out;
}

/** A complete safetensors file of random weights, stored as F32, F16 or BF16. */
export function randomSafetensors(
  cfg: ModelConfig,
  seed = 0,
  dtype: 'F32' | 'F16' | 'BF16' = 'F32',
): Uint8Array {
  const tensors: TensorToWrite[] = randomTensors(cfg, seed).map((t) => ({
    name: t.name,
    shape: t.shape,
    dtype,
    data:
      dtype === 'F32'
        ? new Uint8Array(t.data.buffer)
        : dtype === 'F16'
          ? f32ToF16(t.data)
          : f32ToBf16(t.data),
  }));
  return writeSafetensors(tensors, { format: 'pt' });
}

/** OpenCLIP config JSON (hub layout) of ViT-B-16-plus-240, the paper's backbone. */
export const VIT_B_16_PLUS_240_CONFIG = {
  model_cfg: {
    embed_dim: 640,
    vision_cfg: { image_size: 240, layers: 12, width: 896, patch_size: 16 },
    text_cfg: { context_length: 77, vocab_size: 49408, width: 640, heads: 10, layers: 12 },
  },
  preprocess_cfg: {
    mean: [0.48145466, 0.4578275, 0.40821073],
    std: [0.26862954, 0.26130258, 0.27577711],
    interpolation: 'bicubic',
    resize_mode: 'shortest',
    size: 240,
  },
};

/** OpenCLIP config JSON (hub layout) of ViT-L-14 (1.71 GB float32): the largest catalogue model. */
export const VIT_L_14_CONFIG = {
  model_cfg: {
    embed_dim: 768,
    vision_cfg: { image_size: 224, layers: 24, width: 1024, patch_size: 14 },
    text_cfg: { context_length: 77, vocab_size: 49408, width: 768, heads: 12, layers: 12 },
  },
  preprocess_cfg: { ...VIT_B_16_PLUS_240_CONFIG.preprocess_cfg, size: 224 },
};
