/**
 * WinCLIP / WinCLIP+ scoring on encoder outputs (METHOD.md §3): zero-shot window scores pooled to the
 * patch grid, the few-shot maps built from association values (the association itself, a nearest
 * neighbour search against the reference memories, runs on the inference device: src/engine), and
 * their fusion. Hot loops run on Float32Array rows with doubles as accumulators.
 */

import { careMax } from './care-mask';
import { memo } from './memo';
import { type Aggregation, TEMPERATURE } from './method-settings';
import type { ScoringParameters } from './score-options';
import type { Geometry, TileFeatures } from './types';
import { windowCount, windowIndices } from './windows';

/** Class text prototypes t_n, t_a [E] (un-normalised means of prompt embeddings). */
export interface ClassPrototypes {
  normal: Float32Array;
  anomalous: Float32Array;
}

/** Few-shot memories: L2-normalised rows of all reference tiles. */
export interface Memory {
  /** Patch features [m, visionWidth]. */
  patches: Float32Array;
  /** Window embeddings per scale k: [m_k, E]. */
  windows: Map<number, Float32Array>;
}

export interface TileScore {
  /** Fused image score when a memory was used, else the zero-shot one. */
  imageScore: number;
  /** Final g×g map (fused when a memory was used, else zero-shot). */
  grid: Float32Array;
  zsImageScore: number;
  /** ascore per window, per scale k. */
  zsWindowScores: Map<number, Float32Array>;
  /** [image score broadcast (if used), one map per scale] each g×g. */
  zsScaleMaps: Float32Array[];
  zsGrid: Float32Array;
  fsPatchScores?: Float32Array;
  fsWindowScores?: Map<number, Float32Array>;
  /** [patch association map, one map per scale]. */
  fsScaleMaps?: Float32Array[];
  /** Arithmetic mean of fsScaleMaps (M^W). */
  fsOnlyGrid?: Float32Array;
  /** Weighted mean of zsGrid and fsOnlyGrid (weights ½, ½ by default). */
  fusedGrid?: Float32Array;
}

function rowCount(x: Float32Array, dim: number, what: string): number {
  if (!(dim > 0) || x.length % dim !== 0)
    throw new Error(`${what}: length ${x.length} is not a multiple of ${dim}`);
  return x.length / dim;
}

function meanRows(x: Float32Array, dim: number, what: string): Float32Array {
  const n = rowCount(x, dim, what);
  if (n === 0) throw new Error(`${what}: no rows`);
  const acc = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    for (let d = 0; d < dim; d++) acc[d] += x[o + d];
  }
  const out = new Float32Array(dim);
  for (let d = 0; d < dim; d++) out[d] = acc[d] / n;
  return out;
}

/** Plain means of the un-normalised prompt embeddings of each class. */
export function classPrototypes(normal: Float32Array, anomalous: Float32Array, dim: number): ClassPrototypes {
  return {
    normal: meanRows(normal, dim, 'normal prompts'),
    anomalous: meanRows(anomalous, dim, 'anomalous prompts'),
  };
}

function unit(v: Float32Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

/** softmax([cos(e, t_n), cos(e, t_a)] / T)[1] per row of emb [n, dim]. */
export function anomalyScores(
  emb: Float32Array,
  dim: number,
  protos: ClassPrototypes,
  temperature = TEMPERATURE,
): Float32Array {
  const n = rowCount(emb, dim, 'anomalyScores');
  if (protos.normal.length !== dim || protos.anomalous.length !== dim) {
    throw new Error(`anomalyScores: prototypes have dim ${protos.normal.length}, embeddings ${dim}`);
  }
  const tn = unit(protos.normal);
  const ta = unit(protos.anomalous);
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    let dn = 0;
    let da = 0;
    let ss = 0;
    for (let d = 0; d < dim; d++) {
      const v = emb[o + d];
      dn += v * tn[d];
      da += v * ta[d];
      ss += v * v;
    }
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    // Two-way softmax written as a logistic: exp never overflows to NaN.
    out[r] = 1 / (1 + Math.exp(((dn - da) * inv) / temperature));
  }
  return out;
}

const indexCache = new Map<string, Int32Array>();

function cachedWindowIndices(grid: number, k: number): Int32Array {
  return memo(indexCache, `${grid}:${k}`, () => windowIndices(grid, k));
}

/**
 * Per-window values → g×g map: each cell gets the mean of the windows covering it, harmonic
 * (n / Σ 1/s, so any zero makes the cell 0) or arithmetic.
 */
export function poolWindowsToGrid(
  windowValues: Float32Array,
  grid: number,
  k: number,
  aggregation: Aggregation,
): Float32Array {
  const n = windowCount(grid, k);
  if (windowValues.length !== n) {
    throw new Error(
      `poolWindowsToGrid: ${windowValues.length} values for ${n} windows (grid ${grid}, k ${k})`,
    );
  }
  const idx = cachedWindowIndices(grid, k);
  const kk = k * k;
  const acc = new Float64Array(grid * grid);
  const cnt = new Int32Array(grid * grid);
  const harmonic = aggregation === 'harmonic';
  for (let w = 0; w < n; w++) {
    const v = windowValues[w];
    const c = harmonic ? 1 / v : v;
    const o = w * kk;
    for (let j = 0; j < kk; j++) {
      const p = idx[o + j];
      acc[p] += c;
      cnt[p]++;
    }
  }
  const out = new Float32Array(grid * grid);
  for (let p = 0; p < out.length; p++) out[p] = harmonic ? cnt[p] / acc[p] : acc[p] / cnt[p];
  return out;
}

/** Cell-wise harmonic or arithmetic mean of equally sized maps. */
export function combineMaps(maps: Float32Array[], aggregation: Aggregation): Float32Array {
  if (maps.length === 0) throw new Error('combineMaps: no maps');
  const len = maps[0].length;
  for (const m of maps) if (m.length !== len) throw new Error('combineMaps: maps differ in size');
  const harmonic = aggregation === 'harmonic';
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    let s = 0;
    for (const m of maps) s += harmonic ? 1 / m[i] : m[i];
    out[i] = harmonic ? maps.length / s : s / maps.length;
  }
  return out;
}

/** Copy of x [n, dim] with every row scaled to unit L2 norm (all-zero rows stay zero). */
export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  const n = rowCount(x, dim, 'normalizeRows');
  const out = new Float32Array(x.length);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    let ss = 0;
    for (let d = 0; d < dim; d++) ss += x[o + d] * x[o + d];
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let d = 0; d < dim; d++) out[o + d] = x[o + d] * inv;
  }
  return out;
}

function concatNormalized(parts: Float32Array[], dim: number, what: string): Float32Array {
  let total = 0;
  for (const p of parts) total += rowCount(p, dim, what) * dim;
  const out = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(normalizeRows(p, dim), o);
    o += p.length;
  }
  return out;
}

/** Pools every position of every reference tile into one memory per kind (patch, window scale). */
export function buildMemory(tiles: TileFeatures[], visionWidth: number, embedDim: number): Memory {
  if (tiles.length === 0) throw new Error('buildMemory: no reference tiles');
  const scales = [...tiles[0].windowEmbeddings.keys()];
  const windows = new Map<number, Float32Array>();
  for (const k of scales) {
    const parts = tiles.map((t, i) => {
      const w = t.windowEmbeddings.get(k);
      if (!w) throw new Error(`buildMemory: reference tile ${i} has no scale-${k} windows`);
      return w;
    });
    windows.set(k, concatNormalized(parts, embedDim, `scale-${k} window memory`));
  }
  const patches = concatNormalized(
    tiles.map((t) => t.patchEmbeddings),
    visionWidth,
    'patch memory',
  );
  return { patches, windows };
}

function windowsOf(features: TileFeatures, k: number, grid: number, embedDim: number): Float32Array {
  const w = features.windowEmbeddings.get(k);
  if (!w) throw new Error(`scoreTile: no scale-${k} window embeddings`);
  const expected = windowCount(grid, k) * embedDim;
  if (w.length !== expected)
    throw new Error(`scoreTile: scale-${k} windows have ${w.length} values, expected ${expected}`);
  return w;
}

/**
 * max of the few-shot map over the cells that count (`care`: cells whose centre lies outside every
 * don't-care area; all with none). A tile with no cell left gives 0, the association's floor (a
 * cell identical to a reference): a fully masked tile adds no evidence of a defect.
 */
function fewShotMax(x: Float32Array, care: Uint8Array | null): number {
  const m = careMax(x, care);
  return m === Number.NEGATIVE_INFINITY && care ? 0 : m;
}

/** The prompt-independent WinCLIP+ part of a tile's score (visual association), cacheable per memory. */
export interface FewShotTile {
  fsPatchScores: Float32Array;
  fsWindowScores: Map<number, Float32Array>;
  /** [patch association map, one map per scale]. */
  fsScaleMaps: Float32Array[];
  /** Arithmetic mean of fsScaleMaps (M^W). */
  fsOnlyGrid: Float32Array;
}

/** The query rows of a tile's few-shot association, checked against the geometry. */
export function fewShotQueries(
  features: TileFeatures,
  geom: Geometry,
  scales: readonly number[],
): { patches: Float32Array; windows: Map<number, Float32Array> } {
  const { grid, embedDim, visionWidth } = geom;
  const nPatches = grid * grid;
  if (features.patchEmbeddings.length !== nPatches * visionWidth) {
    throw new Error(
      `scoreTile: patch embeddings have ${features.patchEmbeddings.length} values, expected ${nPatches * visionWidth}`,
    );
  }
  const windows = new Map<number, Float32Array>();
  for (const k of scales) windows.set(k, windowsOf(features, k, grid, embedDim));
  return { patches: features.patchEmbeddings, windows };
}

/**
 * Builds the few-shot maps from association values (computed on the inference device by the engine):
 * M^P per cell, per-scale window values pooled to cells, M^W.
 */
export function fewShotFromAssociations(
  fsPatchScores: Float32Array,
  fsWindowScores: Map<number, Float32Array>,
  geom: Geometry,
  params: Pick<ScoringParameters, 'scales' | 'aggregation'>,
): FewShotTile {
  const fsScaleMaps: Float32Array[] = [fsPatchScores];
  for (const k of params.scales) {
    const a = fsWindowScores.get(k);
    if (!a) throw new Error(`scoreTile: no scale-${k} window associations`);
    fsScaleMaps.push(poolWindowsToGrid(a, geom.grid, k, params.aggregation));
  }
  // The few-shot combination is an arithmetic mean in the method itself (M^W), not an aggregation choice.
  const fsOnlyGrid = combineMaps(fsScaleMaps, 'arithmetic');
  return { fsPatchScores, fsWindowScores, fsScaleMaps, fsOnlyGrid };
}

/**
 * Scores one pre-processed tile. Zero-shot: harmonic mean of [image-score map, per-scale window maps].
 * With a few-shot part (WinCLIP+, M^W = arithmetic mean of [patch map, per-scale window association
 * maps]), with w = params.fewShotWeight (½): fused map = (1 − w)·zero-shot + w·M^W, image score =
 * (1 − w)·zero-shot image score + w·max M^W, the max over the cells `care` keeps (don't-care areas,
 * src/core/care-mask.ts; every cell when null).
 * Aggregation 'arithmetic' replaces every harmonic mean (window pooling and map combination).
 */
export function scoreTile(
  features: TileFeatures,
  protos: ClassPrototypes,
  geom: Geometry,
  params: ScoringParameters,
  fewShot: FewShotTile | null = null,
  care: Uint8Array | null = null,
): TileScore {
  const { temperature, aggregation, useImageScale, scales, fewShotWeight: w } = params;
  const { grid, embedDim } = geom;
  const nPatches = grid * grid;
  if (features.imageEmbedding.length !== embedDim) {
    throw new Error(
      `scoreTile: image embedding has ${features.imageEmbedding.length} values, expected ${embedDim}`,
    );
  }

  const zsImageScore = anomalyScores(features.imageEmbedding, embedDim, protos, temperature)[0];
  const zsWindowScores = new Map<number, Float32Array>();
  const zsScaleMaps: Float32Array[] = [];
  if (useImageScale) zsScaleMaps.push(new Float32Array(nPatches).fill(zsImageScore));
  for (const k of scales) {
    const s = anomalyScores(windowsOf(features, k, grid, embedDim), embedDim, protos, temperature);
    zsWindowScores.set(k, s);
    zsScaleMaps.push(poolWindowsToGrid(s, grid, k, aggregation));
  }
  if (zsScaleMaps.length === 0) throw new Error('scoreTile: no scales selected (no image scale, no windows)');
  const zsGrid = combineMaps(zsScaleMaps, aggregation);
  const zeroShot = { zsImageScore, zsWindowScores, zsScaleMaps, zsGrid };
  if (!fewShot) return { imageScore: zsImageScore, grid: zsGrid, ...zeroShot };

  const { fsPatchScores, fsWindowScores, fsScaleMaps, fsOnlyGrid } = fewShot;
  if (fsOnlyGrid.length !== nPatches)
    throw new Error(`scoreTile: few-shot map has ${fsOnlyGrid.length} cells, expected ${nPatches}`);
  if (care && care.length !== nPatches)
    throw new Error(`scoreTile: care mask has ${care.length} cells, expected ${nPatches}`);
  const fusedGrid = new Float32Array(nPatches);
  for (let i = 0; i < nPatches; i++) fusedGrid[i] = (1 - w) * zsGrid[i] + w * fsOnlyGrid[i];
  return {
    imageScore: (1 - w) * zsImageScore + w * fewShotMax(fsOnlyGrid, care),
    grid: fusedGrid,
    ...zeroShot,
    fsPatchScores,
    fsWindowScores,
    fsScaleMaps,
    fsOnlyGrid,
    fusedGrid,
  };
}
