/**
 * The ONNX graphs on architectures the fixture does not cover, against a naive float64 forward pass
 * of the OpenCLIP definition (test/reference-forward.ts), with random weights.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WinclipEngine } from '../src/engine/engine';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { parseModelConfig } from '../src/model/config';
import { randomSafetensors } from '../src/model/random-weights';
import { parseSafetensors, tensorToFloat32 } from '../src/model/safetensors';
import { CLIP_DIR, maxAbsDiff } from './fixture';
import { referenceImageEmbedding, referenceTextEmbedding } from './reference-forward';

const tokenizer = JSON.parse(readFileSync(join(CLIP_DIR, 'tokenizer.json'), 'utf8'));

const cases = {
  'QuickGELU, patch 14, 56 px, head width 8, MLP ratio 2.5': {
    embed_dim: 24,
    quick_gelu: true,
    vision_cfg: { image_size: 56, patch_size: 14, width: 32, layers: 2, head_width: 8, mlp_ratio: 2.5 },
    text_cfg: { context_length: 77, vocab_size: 49408, width: 40, heads: 5, layers: 3 },
  },
  'GELU, patch 8, 32 px, one head, 3 layers': {
    embed_dim: 16,
    vision_cfg: { image_size: 32, patch_size: 8, width: 24, layers: 3, head_width: 24 },
    text_cfg: { context_length: 77, vocab_size: 49408, width: 32, heads: 2, layers: 1, mlp_ratio: 3 },
  },
};

describe.each(Object.entries(cases))('%s', (_name, modelCfg) => {
  it('image and text embeddings match the float64 reference forward pass', async () => {
    const config = { model_cfg: modelCfg };
    const cfg = parseModelConfig(config);
    const weights = randomSafetensors(cfg, 3);
    const file = parseSafetensors(weights);
    const w = (n: string) => tensorToFloat32(file, file.tensors.get(n)!);
    const engine = await WinclipEngine.create({ config, tokenizer, weights }, createNodeRuntime(2));

    const S = cfg.vision.imageSize;
    const pixels = new Float32Array(3 * S * S).map((_, i) => Math.sin(i * 0.37) * 1.5);
    const got = await engine.encodeTile(pixels);
    const want = referenceImageEmbedding(cfg, w, pixels);
    expect(maxAbsDiff(got.imageEmbedding, want)).toBeLessThan(1e-4);
    expect(got.patchEmbeddings.length).toBe(cfg.vision.grid ** 2 * cfg.vision.width);
    for (const k of [2, 3])
      expect(got.windowEmbeddings.get(k)!.length).toBe((cfg.vision.grid - k + 1) ** 2 * cfg.embedDim);

    const texts = [
      'a photo of a damaged metal nut.',
      'flawless',
      'a jpeg corrupted photo of the small pcb with a scratch.',
    ];
    const emb = await engine.embedTexts(texts);
    texts.forEach((t, i) => {
      expect(maxAbsDiff(emb[i], referenceTextEmbedding(cfg, w, engine.tokenize(t)))).toBeLessThan(1e-4);
    });
  });
});
