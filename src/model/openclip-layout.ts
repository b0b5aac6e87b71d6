/** The OpenCLIP state-dict names and shapes a config implies; checked before any graph is built. */
import type { ModelConfig } from './config';

function blockTensors(prefix: string, width: number, mlpWidth: number): [string, number[]][] {
  return [
    [`${prefix}.ln_1.weight`, [width]],
    [`${prefix}.ln_1.bias`, [width]],
    [`${prefix}.attn.in_proj_weight`, [3 * width, width]],
    [`${prefix}.attn.in_proj_bias`, [3 * width]],
    [`${prefix}.attn.out_proj.weight`, [width, width]],
    [`${prefix}.attn.out_proj.bias`, [width]],
    [`${prefix}.ln_2.weight`, [width]],
    [`${prefix}.ln_2.bias`, [width]],
    [`${prefix}.mlp.c_fc.weight`, [mlpWidth, width]],
    [`${prefix}.mlp.c_fc.bias`, [mlpWidth]],
    [`${prefix}.mlp.c_proj.weight`, [width, mlpWidth]],
    [`${prefix}.mlp.c_proj.bias`, [width]],
  ];
}

export function visionTensors(cfg: ModelConfig): [string, number[]][] {
  const v = cfg.vision;
  const out: [string, number[]][] = [
    ['visual.class_embedding', [v.width]],
    ['visual.positional_embedding', [v.grid * v.grid + 1, v.width]],
    ['visual.conv1.weight', [v.width, 3, v.patchSize, v.patchSize]],
    ['visual.ln_pre.weight', [v.width]],
    ['visual.ln_pre.bias', [v.width]],
  ];
  for (let i = 0; i < v.layers; i++)
    out.push(...blockTensors(`visual.transformer.resblocks.${i}`, v.width, v.mlpWidth));
  out.push(
    ['visual.ln_post.weight', [v.width]],
    ['visual.ln_post.bias', [v.width]],
    ['visual.proj', [v.width, cfg.embedDim]],
  );
  return out;
}

export function textTensors(cfg: ModelConfig): [string, number[]][] {
  const t = cfg.text;
  const out: [string, number[]][] = [
    ['token_embedding.weight', [t.vocabSize, t.width]],
    ['positional_embedding', [t.contextLength, t.width]],
  ];
  for (let i = 0; i < t.layers; i++)
    out.push(...blockTensors(`transformer.resblocks.${i}`, t.width, t.mlpWidth));
  out.push(
    ['ln_final.weight', [t.width]],
    ['ln_final.bias', [t.width]],
    ['text_projection', [t.width, cfg.embedDim]],
  );
  return out;
}
