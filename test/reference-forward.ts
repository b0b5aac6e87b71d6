/**
 * A deliberately naive float64 OpenCLIP forward pass (vision and text towers), written straight from
 * the model definition. It checks the ONNX graphs on architectures the fixture does not cover
 * (QuickGELU, other patch/image sizes, head widths, MLP ratios).
 */
import type { ModelConfig } from '../src/model/config';

type W = (name: string) => Float32Array;

function layerNorm(x: Float64Array, n: number, c: number, g: Float32Array, b: Float32Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < n; r++) {
    let mean = 0;
    for (let i = 0; i < c; i++) mean += x[r * c + i];
    mean /= c;
    let v = 0;
    for (let i = 0; i < c; i++) v += (x[r * c + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / c + 1e-5);
    for (let i = 0; i < c; i++) out[r * c + i] = (x[r * c + i] - mean) * inv * g[i] + b[i];
  }
  return out;
}

/** y = x Wᵀ + b with torch Linear layout W [out, in]. */
function linear(
  x: Float64Array,
  n: number,
  cin: number,
  w: Float32Array,
  b: Float32Array,
  cout: number,
): Float64Array {
  const out = new Float64Array(n * cout);
  for (let r = 0; r < n; r++)
    for (let o = 0; o < cout; o++) {
      let s = b[o];
      for (let i = 0; i < cin; i++) s += x[r * cin + i] * w[o * cin + i];
      out[r * cout + o] = s;
    }
  return out;
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use a series/continued-fraction accurate to ~1e-15.
  const t = Math.abs(x);
  if (t < 3) {
    let sum = t;
    let term = t;
    for (let k = 1; k < 200; k++) {
      term *= (-t * t) / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction for large |x|.
  let f = 0;
  for (let k = 60; k >= 1; k--) f = k / 2 / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

function gelu(x: number, quick: boolean): number {
  return quick ? x / (1 + Math.exp(-1.702 * x)) : 0.5 * x * (1 + erf(x / Math.SQRT2));
}

function block(
  x: Float64Array,
  L: number,
  c: number,
  heads: number,
  mlp: number,
  p: string,
  w: W,
  quick: boolean,
  causal: boolean,
) {
  const h = layerNorm(x, L, c, w(`${p}.ln_1.weight`), w(`${p}.ln_1.bias`));
  const qkv = linear(h, L, c, w(`${p}.attn.in_proj_weight`), w(`${p}.attn.in_proj_bias`), 3 * c);
  const d = c / heads;
  const ctx = new Float64Array(L * c);
  for (let hd = 0; hd < heads; hd++) {
    for (let i = 0; i < L; i++) {
      const scores: number[] = [];
      for (let j = 0; j < L; j++) {
        if (causal && j > i) {
          scores.push(Number.NEGATIVE_INFINITY);
          continue;
        }
        let s = 0;
        for (let e = 0; e < d; e++) s += qkv[i * 3 * c + hd * d + e] * qkv[j * 3 * c + c + hd * d + e];
        scores.push(s / Math.sqrt(d));
      }
      const m = Math.max(...scores);
      const ex = scores.map((s) => Math.exp(s - m));
      const z = ex.reduce((a, b) => a + b, 0);
      for (let e = 0; e < d; e++) {
        let s = 0;
        for (let j = 0; j < L; j++) s += (ex[j] / z) * qkv[j * 3 * c + 2 * c + hd * d + e];
        ctx[i * c + hd * d + e] = s;
      }
    }
  }
  const attn = linear(ctx, L, c, w(`${p}.attn.out_proj.weight`), w(`${p}.attn.out_proj.bias`), c);
  const x1 = x.map((v, i) => v + attn[i]);
  const h2 = layerNorm(x1, L, c, w(`${p}.ln_2.weight`), w(`${p}.ln_2.bias`));
  const fc = linear(h2, L, c, w(`${p}.mlp.c_fc.weight`), w(`${p}.mlp.c_fc.bias`), mlp).map((v) =>
    gelu(v, quick),
  );
  const pr = linear(fc, L, mlp, w(`${p}.mlp.c_proj.weight`), w(`${p}.mlp.c_proj.bias`), c);
  return x1.map((v, i) => v + pr[i]);
}

/** Image embedding [E] of pixels [3, S, S]. */
export function referenceImageEmbedding(cfg: ModelConfig, w: W, pixels: Float32Array): Float64Array {
  const v = cfg.vision;
  const { patchSize: ps, grid: g, width: c, imageSize: S } = v;
  const L = g * g + 1;
  let x: Float64Array = new Float64Array(L * c);
  const conv = w('visual.conv1.weight');
  const cls = w('visual.class_embedding');
  const pos = w('visual.positional_embedding');
  for (let i = 0; i < c; i++) x[i] = cls[i] + pos[i];
  for (let gy = 0; gy < g; gy++)
    for (let gx = 0; gx < g; gx++)
      for (let o = 0; o < c; o++) {
        let s = 0;
        for (let ch = 0; ch < 3; ch++)
          for (let ky = 0; ky < ps; ky++)
            for (let kx = 0; kx < ps; kx++)
              s +=
                pixels[ch * S * S + (gy * ps + ky) * S + gx * ps + kx] *
                conv[((o * 3 + ch) * ps + ky) * ps + kx];
        const t = 1 + gy * g + gx;
        x[t * c + o] = s + pos[t * c + o];
      }
  x = layerNorm(x, L, c, w('visual.ln_pre.weight'), w('visual.ln_pre.bias'));
  for (let i = 0; i < v.layers; i++)
    x = block(x, L, c, v.heads, v.mlpWidth, `visual.transformer.resblocks.${i}`, w, cfg.quickGelu, false);
  const clsOut = layerNorm(x.subarray(0, c), 1, c, w('visual.ln_post.weight'), w('visual.ln_post.bias'));
  const proj = w('visual.proj');
  const out = new Float64Array(cfg.embedDim);
  for (let e = 0; e < cfg.embedDim; e++)
    for (let i = 0; i < c; i++) out[e] += clsOut[i] * proj[i * cfg.embedDim + e];
  return out;
}

/** Text embedding [E] of token ids (BOS … EOS, unpadded). */
export function referenceTextEmbedding(cfg: ModelConfig, w: W, ids: Int32Array): Float64Array {
  const t = cfg.text;
  const c = t.width;
  const L = ids.length;
  const tok = w('token_embedding.weight');
  const pos = w('positional_embedding');
  let x: Float64Array = new Float64Array(L * c);
  for (let i = 0; i < L; i++) for (let j = 0; j < c; j++) x[i * c + j] = tok[ids[i] * c + j] + pos[i * c + j];
  for (let i = 0; i < t.layers; i++)
    x = block(x, L, c, t.heads, t.mlpWidth, `transformer.resblocks.${i}`, w, cfg.quickGelu, true);
  const last = layerNorm(x.subarray((L - 1) * c, L * c), 1, c, w('ln_final.weight'), w('ln_final.bias'));
  const proj = w('text_projection');
  const out = new Float64Array(cfg.embedDim);
  for (let e = 0; e < cfg.embedDim; e++)
    for (let i = 0; i < c; i++) out[e] += last[i] * proj[i * cfg.embedDim + e];
  return out;
}
