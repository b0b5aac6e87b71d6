/**
 * Generated model files that parse but are wrong, each with the message substring it must produce.
 * Pure (no node:*), so the app's tests can feed the same bytes through the browser path.
 */
import { parseModelConfig } from '../../src/model/config';
import { randomTensors } from '../../src/model/random-weights';
import { f32ToBf16, f32ToF16, writeSafetensors } from '../../src/model/safetensors-writer';

/** A tiny ViT config (hub layout): shapes of every kind, a few thousand parameters. */
export const TINY_CONFIG = {
  model_cfg: {
    embed_dim: 8,
    vision_cfg: { image_size: 32, patch_size: 16, width: 16, layers: 1, head_width: 8 },
    text_cfg: { context_length: 77, vocab_size: 64, width: 16, heads: 2, layers: 1 },
  },
};

export interface WeightsCase {
  name: string;
  /** Bytes of a safetensors file. */
  bytes: () => Uint8Array;
  /** Whether the tensors match TINY_CONFIG, so the failure is the file's and not a mismatch. */
  forTinyConfig: boolean;
  expect: string;
}

export interface ConfigCase {
  name: string;
  config: unknown;
  expect: string;
}

/** A safetensors file whose header says exactly `entries` over `dataLength` zero bytes. */
function rawSafetensors(entries: Record<string, [number, number, number[]]>, dataLength: number): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [name, [begin, end, shape]] of Object.entries(entries))
    header[name] = { dtype: 'F32', shape, data_offsets: [begin, end] };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + head.length + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  return out;
}

/** The tiny model's random weights in `dtype`, with element `index` of tensor `target` set to `value`. */
function poisoned(target: string, index: number, value: number, dtype: 'F32' | 'F16' | 'BF16'): Uint8Array {
  const tensors = randomTensors(parseModelConfig(TINY_CONFIG), 1).map((t) => {
    if (t.name === target) t.data[index] = value;
    const data =
      dtype === 'F32'
        ? new Uint8Array(t.data.buffer)
        : dtype === 'F16'
          ? f32ToF16(t.data)
          : f32ToBf16(t.data);
    return { name: t.name, shape: t.shape, dtype, data };
  });
  return writeSafetensors(tensors);
}

export const WEIGHTS_CASES: WeightsCase[] = [
  {
    name: 'overlapping tensor ranges',
    bytes: () => rawSafetensors({ a: [0, 16, [4]], b: [8, 24, [4]] }, 24),
    forTinyConfig: false,
    expect: "tensors 'a' [0, 16) and 'b' [8, 24) overlap",
  },
  {
    name: 'a hole between tensors',
    bytes: () => rawSafetensors({ a: [0, 16, [4]], b: [24, 40, [4]] }, 40),
    forTinyConfig: false,
    expect: "data bytes [16, 24) between 'a' and 'b' belong to no tensor",
  },
  {
    name: 'bytes after the last tensor',
    bytes: () => rawSafetensors({ a: [0, 16, [4]] }, 24),
    forTinyConfig: false,
    expect: "the data section has 8 trailing bytes after the last tensor 'a'",
  },
  {
    name: 'a range starting inside the header',
    bytes: () => rawSafetensors({ a: [-8, 8, [4]], b: [8, 16, [2]] }, 16),
    forTinyConfig: false,
    expect: "tensor 'a' data range [-8, 8) starts before the data section (inside the header)",
  },
  {
    name: 'a range past the end of the file',
    bytes: () => rawSafetensors({ a: [0, 16, [4]] }, 8),
    forTinyConfig: false,
    expect: "tensor 'a' data range [0, 16) ends past the data section of 8 bytes",
  },
  {
    name: 'a range that does not fit the shape',
    bytes: () => rawSafetensors({ a: [0, 12, [4]] }, 12),
    forTinyConfig: false,
    expect: "tensor 'a' data range [0, 12) does not fit its shape [4] of F32",
  },
  {
    name: 'a NaN weight (F32)',
    bytes: () => poisoned('visual.proj', 5, Number.NaN, 'F32'),
    forTinyConfig: true,
    expect: "tensor 'visual.proj' holds NaN at element 5",
  },
  {
    name: 'an infinite weight (F16)',
    bytes: () => poisoned('visual.ln_pre.weight', 3, Number.POSITIVE_INFINITY, 'F16'),
    forTinyConfig: true,
    expect: "tensor 'visual.ln_pre.weight' holds Inf at element 3",
  },
  {
    name: 'a weight overflowing F16 (becomes -Inf)',
    bytes: () => poisoned('text_projection', 0, -1e6, 'F16'),
    forTinyConfig: true,
    expect: "tensor 'text_projection' holds -Inf at element 0",
  },
  {
    name: 'a NaN weight (BF16)',
    bytes: () => poisoned('token_embedding.weight', 100, Number.NaN, 'BF16'),
    forTinyConfig: true,
    expect: "tensor 'token_embedding.weight' holds NaN at element 100",
  },
];

const TEXT_CFG = TINY_CONFIG.model_cfg.text_cfg;

export const CONFIG_CASES: ConfigCase[] = [
  {
    name: 'an OpenCLIP ResNet (RN50)',
    config: {
      model_cfg: {
        embed_dim: 1024,
        vision_cfg: { image_size: 224, layers: [3, 4, 6, 3], width: 64, patch_size: null },
        text_cfg: TEXT_CFG,
      },
    },
    expect: 'ResNet towers are not supported (vision_cfg.layers is [3,4,6,3]); WinCLIP needs a ViT',
  },
  {
    name: 'a timm vision tower (ConvNeXt)',
    config: {
      model_cfg: {
        embed_dim: 640,
        vision_cfg: { timm_model_name: 'convnext_base', timm_pool: '', image_size: 224 },
        text_cfg: TEXT_CFG,
      },
    },
    expect: "timm vision towers are not supported (vision_cfg.timm_model_name 'convnext_base')",
  },
  {
    name: 'a Hugging Face text tower (XLM-RoBERTa)',
    config: {
      model_cfg: {
        embed_dim: 512,
        vision_cfg: TINY_CONFIG.model_cfg.vision_cfg,
        text_cfg: { hf_model_name: 'xlm-roberta-base', hf_tokenizer_name: 'xlm-roberta-base' },
      },
    },
    expect: "Hugging Face text towers are not supported (text_cfg.hf_model_name 'xlm-roberta-base')",
  },
  {
    name: 'a CoCa model',
    config: { model_cfg: { ...TINY_CONFIG.model_cfg, multimodal_cfg: { width: 16 } } },
    expect: 'CoCa models (model_cfg.multimodal_cfg) are not supported',
  },
];
