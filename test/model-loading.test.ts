/** Model files: dtype support, config/weights mismatches and bad files give clear errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WinclipEngine } from '../src/engine/engine';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { parseModelConfig } from '../src/model/config';
import type { ModelFiles } from '../src/model/file-names';
import { randomSafetensors, VIT_B_16_PLUS_240_CONFIG } from '../src/model/random-weights';
import { parseSafetensors, tensorToFloat32 } from '../src/model/safetensors';
import { f32ToBf16, f32ToF16, writeSafetensors } from '../src/model/safetensors-writer';
import { ModelWeights } from '../src/model/weights';
import { FIXTURE_DIR, fixturePrompts, loadF32, maxAbsDiff } from './fixture';

const config = JSON.parse(readFileSync(join(FIXTURE_DIR, 'open_clip_config.json'), 'utf8'));
const tokenizer = JSON.parse(readFileSync(join(FIXTURE_DIR, 'tokenizer.json'), 'utf8'));
const weights = new Uint8Array(readFileSync(join(FIXTURE_DIR, 'open_clip_model.safetensors')));
const runtime = createNodeRuntime(2);
const pixels = loadF32('test_a.t0.pixels');

/** Rewrites the fixture checkpoint through `edit` (per tensor). */
function rewrite(
  edit: (
    name: string,
    shape: number[],
    data: Float32Array,
  ) => { dtype?: 'F32' | 'F16' | 'BF16'; shape?: number[]; data?: Float32Array } | null,
): Uint8Array {
  const file = parseSafetensors(weights);
  const out = [];
  for (const info of file.tensors.values()) {
    const data = tensorToFloat32(file, info).slice();
    const e = edit(info.name, info.shape, data);
    if (e === null) continue;
    const d = e.data ?? data;
    const dtype = e.dtype ?? 'F32';
    const bytes = dtype === 'F32' ? new Uint8Array(d.buffer) : dtype === 'F16' ? f32ToF16(d) : f32ToBf16(d);
    out.push({ name: info.name, dtype, shape: e.shape ?? info.shape, data: bytes });
  }
  return writeSafetensors(out);
}

const engineFor = (w: Uint8Array, cfg: unknown = config): Promise<WinclipEngine> =>
  WinclipEngine.create({ config: cfg, tokenizer, weights: w } satisfies ModelFiles, runtime);

describe('weight dtypes', () => {
  it.each(['F16', 'BF16'] as const)(
    '%s checkpoints give the same outputs as F32 holding the rounded values',
    async (dtype) => {
      const asDtype = rewrite(() => ({ dtype }));
      // The same values, rounded through the dtype, stored as F32.
      const roundTrip = parseSafetensors(asDtype);
      const asF32 = rewrite((name) => ({ data: tensorToFloat32(roundTrip, roundTrip.tensors.get(name)!) }));
      const a = await engineFor(asDtype);
      const b = await engineFor(asF32);
      const [ea, eb] = [await a.encodeTile(pixels), await b.encodeTile(pixels)];
      expect(maxAbsDiff(ea.imageEmbedding, eb.imageEmbedding)).toBe(0);
      const [ta] = await a.embedTexts([fixturePrompts.normal[0]]);
      const [tb] = await b.embedTexts([fixturePrompts.normal[0]]);
      expect(maxAbsDiff(ta, tb)).toBe(0);
      // And rounding really happened: the outputs moved away from the float32 fixture, a little.
      const d = maxAbsDiff(ea.imageEmbedding, loadF32('test_a.t0.image_embedding'));
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThan(dtype === 'F16' ? 0.05 : 0.5);
    },
  );

  it('rejects an unsupported dtype with a clear message', () => {
    const file = parseSafetensors(weights);
    const tensors = [...file.tensors.values()].map((i) => ({
      name: i.name,
      dtype: i.name === 'visual.proj' ? ('I8' as const) : ('F32' as const),
      shape: i.shape,
      data:
        i.name === 'visual.proj'
          ? new Uint8Array(i.length / 4)
          : weights.slice(i.offset, i.offset + i.length),
    }));
    const cfg = parseModelConfig(config);
    expect(() => ModelWeights.fromBytes(writeSafetensors(tensors), cfg)).toThrow(
      /'visual\.proj' has dtype I8; only F32, F16, BF16/,
    );
  });
});

describe('weights that do not match the config', () => {
  it('names a missing tensor', async () => {
    const w = rewrite((name) => (name === 'visual.ln_post.bias' ? null : {}));
    await expect(engineFor(w)).rejects.toThrow(/missing tensor 'visual\.ln_post\.bias'/);
  });

  it('names a tensor of the wrong shape', async () => {
    const w = rewrite((name, shape, data) =>
      name === 'text_projection' ? { shape: [shape[1], shape[0]], data } : {},
    );
    await expect(engineFor(w)).rejects.toThrow(
      /'text_projection' has shape \[32, 48\], the config implies \[48, 32\]/,
    );
  });

  it('reports a config for another architecture', async () => {
    const bigger = structuredClone(config);
    bigger.model_cfg.vision_cfg.layers = 3;
    await expect(engineFor(weights, bigger)).rejects.toThrow(
      /missing tensors? 'visual\.transformer\.resblocks\.2\./,
    );
  });

  it('rejects a truncated checkpoint and a file that is not safetensors', async () => {
    await expect(engineFor(weights.subarray(0, weights.length - 1000))).rejects.toThrow(/truncated download/);
    await expect(engineFor(new TextEncoder().encode('<html>404 Not Found</html>'))).rejects.toThrow(
      /not a safetensors file/,
    );
  });

  it('rejects a broken config and a non-CLIP tokenizer', async () => {
    await expect(engineFor(weights, { model_cfg: { embed_dim: 32 } })).rejects.toThrow(
      /vision_cfg and model_cfg.text_cfg are required/,
    );
    await expect(
      WinclipEngine.create({ config, tokenizer: { model: {} }, weights }, runtime),
    ).rejects.toThrow(/not a Hugging Face tokenizer/);
  });
});

describe('random weights', () => {
  let big: ReturnType<typeof parseModelConfig>;
  beforeAll(() => {
    big = parseModelConfig(VIT_B_16_PLUS_240_CONFIG);
  });

  it('builds a full-size ViT-B-16-plus-240 checkpoint that validates against its config', () => {
    const bytes = randomSafetensors(big, 1);
    const w = ModelWeights.fromBytes(bytes, big);
    // 208M parameters for ViT-B-16-plus-240 (vision 117.2M, text 91.2M).
    expect(w.parameters).toBeGreaterThan(205e6);
    expect(w.parameters).toBeLessThan(212e6);
  });

  it('gives the tiny fixture architecture sane (finite, non-constant) outputs', async () => {
    const cfg = parseModelConfig(config);
    const e = await engineFor(randomSafetensors(cfg, 7));
    const f = await e.encodeTile(pixels);
    expect(f.imageEmbedding.every(Number.isFinite)).toBe(true);
    expect(new Set(f.imageEmbedding).size).toBeGreaterThan(1);
  });
});
