/**
 * open_clip_config.json → a validated, fully-defaulted model description.
 * Accepts the hub layout ({model_cfg, preprocess_cfg}) and a bare OpenCLIP model config.
 */
export interface VisionConfig {
  imageSize: number;
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
  grid: number;
}

export interface TextConfig {
  contextLength: number;
  vocabSize: number;
  width: number;
  heads: number;
  layers: number;
  mlpWidth: number;
}

export interface PreprocessConfig {
  size: number;
  mean: number[];
  std: number[];
}

export interface ModelConfig {
  embedDim: number;
  quickGelu: boolean;
  vision: VisionConfig;
  text: TextConfig;
  preprocess: PreprocessConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_STD = [0.26862954, 0.26130258, 0.27577711];

type Json = Record<string, unknown>;

function num(obj: Json, key: string, where: string, fallback?: number): number {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ConfigError(
      `open_clip_config.json: ${where}.${key} must be a positive number (got ${JSON.stringify(obj[key])})`,
    );
  }
  return v;
}

function size(v: unknown, where: string): number {
  // OpenCLIP allows [h, w]; this engine needs square inputs (windows live on a square grid).
  if (Array.isArray(v)) {
    if (v.length === 2 && v[0] === v[1] && typeof v[0] === 'number') return v[0];
    throw new ConfigError(`open_clip_config.json: ${where} must be square, got ${JSON.stringify(v)}`);
  }
  if (typeof v === 'number' && v > 0) return v;
  throw new ConfigError(`open_clip_config.json: ${where} must be a positive number`);
}

/** Features of other OpenCLIP towers that this engine's ViT graphs do not implement. */
const UNSUPPORTED_VISION = [
  'timm_model_name',
  'attentional_pool',
  'global_average_pool',
  'ls_init_value',
  'no_ln_pre',
  'final_ln_after_pool',
];
const UNSUPPORTED_TEXT = ['hf_model_name', 'ls_init_value', 'embed_cls', 'no_causal_mask', 'proj_bias'];

/**
 * Towers of other architectures get a message that names them, before any field check would report a
 * symptom (a ResNet's `layers` is an array of stage depths, not a number).
 */
function rejectOtherArchitectures(cfg: Json, v: Json, t: Json): void {
  if (cfg.multimodal_cfg) {
    throw new ConfigError(
      'open_clip_config.json: CoCa models (model_cfg.multimodal_cfg) are not supported; WinCLIP needs a CLIP ViT',
    );
  }
  if (Array.isArray(v.layers)) {
    throw new ConfigError(
      `open_clip_config.json: ResNet towers are not supported (vision_cfg.layers is ${JSON.stringify(v.layers)}); WinCLIP needs a ViT`,
    );
  }
  if (typeof v.timm_model_name === 'string' && v.timm_model_name) {
    throw new ConfigError(
      `open_clip_config.json: timm vision towers are not supported (vision_cfg.timm_model_name '${v.timm_model_name}'); WinCLIP needs an OpenCLIP ViT`,
    );
  }
  if (typeof t.hf_model_name === 'string' && t.hf_model_name) {
    throw new ConfigError(
      `open_clip_config.json: Hugging Face text towers are not supported (text_cfg.hf_model_name '${t.hf_model_name}'); WinCLIP needs the CLIP text transformer`,
    );
  }
}

export function parseModelConfig(raw: unknown): ModelConfig {
  if (!raw || typeof raw !== 'object') throw new ConfigError('open_clip_config.json: not a JSON object');
  const root = raw as Json;
  const cfg = (root.model_cfg ?? root) as Json;
  const pre = (root.preprocess_cfg ?? {}) as Json;
  if (
    typeof cfg.vision_cfg !== 'object' ||
    typeof cfg.text_cfg !== 'object' ||
    !cfg.vision_cfg ||
    !cfg.text_cfg
  ) {
    throw new ConfigError('open_clip_config.json: model_cfg.vision_cfg and model_cfg.text_cfg are required');
  }
  const v = cfg.vision_cfg as Json;
  const t = cfg.text_cfg as Json;
  rejectOtherArchitectures(cfg, v, t);
  for (const k of UNSUPPORTED_VISION) {
    if (v[k] !== undefined && v[k] !== null && v[k] !== false) {
      throw new ConfigError(
        `open_clip_config.json: vision_cfg.${k} is not supported (only plain OpenCLIP ViTs are)`,
      );
    }
  }
  for (const k of UNSUPPORTED_TEXT) {
    if (t[k] !== undefined && t[k] !== null && t[k] !== false) {
      throw new ConfigError(
        `open_clip_config.json: text_cfg.${k} is not supported (only the standard CLIP text tower is)`,
      );
    }
  }
  if (v.pool_type !== undefined && v.pool_type !== 'tok') {
    throw new ConfigError(
      `open_clip_config.json: vision_cfg.pool_type '${String(v.pool_type)}' is not supported (CLS token pooling only)`,
    );
  }
  if (t.pool_type !== undefined && t.pool_type !== 'argmax') {
    throw new ConfigError(
      `open_clip_config.json: text_cfg.pool_type '${String(t.pool_type)}' is not supported`,
    );
  }
  const imageSize = size(v.image_size ?? 224, 'vision_cfg.image_size');
  const patchSize = size(v.patch_size ?? 16, 'vision_cfg.patch_size');
  if (imageSize % patchSize !== 0) {
    throw new ConfigError(
      `open_clip_config.json: image_size ${imageSize} is not a multiple of patch_size ${patchSize}`,
    );
  }
  const vWidth = num(v, 'width', 'vision_cfg', 768);
  const headWidth = num(v, 'head_width', 'vision_cfg', 64);
  if (vWidth % headWidth !== 0)
    throw new ConfigError('open_clip_config.json: vision width is not a multiple of head_width');
  const tWidth = num(t, 'width', 'text_cfg', 512);
  const tHeads = num(t, 'heads', 'text_cfg', 8);
  if (tWidth % tHeads !== 0)
    throw new ConfigError('open_clip_config.json: text width is not a multiple of heads');
  const mean = Array.isArray(pre.mean) ? (pre.mean as number[]) : OPENAI_MEAN;
  const std = Array.isArray(pre.std) ? (pre.std as number[]) : OPENAI_STD;
  if (mean.length !== 3 || std.length !== 3)
    throw new ConfigError('open_clip_config.json: preprocess mean/std need 3 values');
  return {
    embedDim: num(cfg, 'embed_dim', 'model_cfg'),
    quickGelu: cfg.quick_gelu === true,
    vision: {
      imageSize,
      patchSize,
      width: vWidth,
      layers: num(v, 'layers', 'vision_cfg', 12),
      heads: vWidth / headWidth,
      mlpWidth: Math.trunc(vWidth * num(v, 'mlp_ratio', 'vision_cfg', 4)),
      grid: imageSize / patchSize,
    },
    text: {
      contextLength: num(t, 'context_length', 'text_cfg', 77),
      vocabSize: num(t, 'vocab_size', 'text_cfg', 49408),
      width: tWidth,
      heads: tHeads,
      layers: num(t, 'layers', 'text_cfg', 12),
      mlpWidth: Math.trunc(tWidth * num(t, 'mlp_ratio', 'text_cfg', 4)),
    },
    preprocess: { size: typeof pre.size === 'number' ? pre.size : imageSize, mean, std },
  };
}
