/**
 * WinCLIP / WinCLIP+ engine: tokenises and embeds prompts (cached per prompt string), encodes
 * images (one full pass + one batched pass per window scale, per tile; cached per image key),
 * keeps the few-shot reference bank, and scores with the pure core. Platform-neutral: the ORT
 * runtime is injected (onnxruntime-node in the CLI, onnxruntime-web in the worker).
 */

import { type MethodSettings, methodSettings } from '../core/method-settings';
import {
  type PreprocessConfig,
  type PreprocessedImage,
  preprocessedProblem,
  preprocessImage,
} from '../core/preprocess';
import { bilinearResize } from '../core/resize';
import { type ScoreOptions, type ScoringParameters, scoringParameters } from '../core/score-options';
import {
  anomalyScores,
  buildMemory,
  type ClassPrototypes,
  classPrototypes,
  type FewShotTile,
  fewShotFromAssociations,
  fewShotQueries,
  type Memory,
  scoreTile,
  type TileScore,
} from '../core/scoring';
import { SerialQueue } from '../core/serial-queue';
import { meanTileScore, mergeTileMaps } from '../core/tiling';
import type { Box, Geometry, ImageResult, PromptSet, RgbImage, TileFeatures } from '../core/types';
import { windowIndices } from '../core/windows';
import { type ModelConfig, parseModelConfig } from '../model/config';
import type { ModelFiles } from '../model/file-names';
import { buildAssociationGraph } from '../model/graphs/association';
import { buildImageEncoder } from '../model/graphs/image-encoder';
import { buildTextEncoder } from '../model/graphs/text-encoder';
import type { BuiltGraph } from '../model/onnx/graph-builder';
import { textTensors } from '../model/openclip-layout';
import { ClipTokenizer } from '../model/tokenizer';
import { ModelWeights, WeightsError } from '../model/weights';
import type { EncodedImage, EncodeHooks, EngineStats, ModelInfo, WinclipApi } from './api';
import type { Feed, GraphSession, OrtRuntime } from './runtime';

/** Prompts per text-encoder run: bounds activation memory for large ensembles. */
const TEXT_BATCH = 128;

/**
 * Size of the output map and where each tile lands in it: the image itself, or a scaled-down copy
 * whose longer side is `maxSide` (tiles keep their relative place and stay square and inside).
 */
function mapGeometry(enc: EncodedImage, maxSide?: number): { width: number; height: number; boxes: Box[] } {
  const { width, height, boxes } = enc;
  if (!maxSide || Math.max(width, height) <= maxSide) return { width, height, boxes };
  const f = maxSide / Math.max(width, height);
  const w = Math.max(1, Math.round(width * f));
  const h = Math.max(1, Math.round(height * f));
  const side = Math.min(w, h);
  const scaled = boxes.map(([l, t]): Box => {
    const left = Math.min(Math.round(l * f), w - side);
    const top = Math.min(Math.round(t * f), h - side);
    return [left, top, left + side, top + side];
  });
  return { width: w, height: h, boxes: scaled };
}

/** Builds a graph and opens its session; the graph (and its external-data references) dies here. */
/** Refuses up front, with the reason, a model whose biggest weight the device cannot hold in one buffer. */
function checkBufferLimit(weights: ModelWeights, runtime: OrtRuntime): void {
  const limit = runtime.maxBufferBytes;
  const big = weights.largest();
  if (!limit || big.length <= limit) return;
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  throw new WeightsError(
    `This model cannot run on ${runtime.backend} on this device: its largest weight (${big.name}, ${mb(big.length)}) is bigger than the ${mb(limit)} the GPU allows in one buffer. Use the WASM backend (?backend=wasm) or a smaller model.`,
  );
}

/** Names of the weights the text graph reads (what must stay held once the image session exists). */
function textGraphWeights(config: ModelConfig): string[] {
  return textTensors(config).map(([n]) => n);
}

/** Per-tile intermediate results, for parity checks and diagnostics. */
export interface DetailedResult extends ImageResult {
  tiles: TileScore[];
  tileMaps: Float32Array[];
}

export class WinclipEngine implements WinclipApi {
  private readonly textCache = new Map<string, Float32Array>();
  private readonly images = new Map<string, EncodedImage>();
  private readonly references: string[] = [];
  private prompts: PromptSet | null = null;
  private protos: ClassPrototypes | null = null;
  private memory: Memory | null = null;
  /** Bumped whenever the reference bank changes; keys the few-shot cache. */
  private memoryVersion = 0;
  /** Visual-association results per image: prompt edits reuse them, only bank changes invalidate. */
  private readonly fewShotCache = new Map<
    string,
    { version: number; optsKey: string; tiles: FewShotTile[] }
  >();
  private readonly queue = new SerialQueue();
  private readonly windowIndex = new Map<number, BigInt64Array>();
  private readonly counters: EngineStats = {
    imageEncoderRuns: 0,
    imagesEncoded: 0,
    promptsEmbedded: 0,
    textEncoderRuns: 0,
  };

  private constructor(
    readonly config: ModelConfig,
    private readonly tokenizer: ClipTokenizer,
    private readonly textSession: GraphSession,
    private readonly imageSession: GraphSession,
    private readonly associationSession: GraphSession,
    private readonly modelInfo: ModelInfo,
    /** The method settings every image is encoded and scored with (defaults: src/core/method-settings.ts). */
    readonly settings: Readonly<MethodSettings>,
  ) {}

  /**
   * Validates the three model files, builds the three graphs (text encoder, image encoder, few-shot
   * association) and opens their sessions. `settings` overrides the method settings' defaults.
   */
  static async create(
    files: ModelFiles,
    runtime: OrtRuntime,
    settings: Partial<MethodSettings> = {},
  ): Promise<WinclipEngine> {
    const config = parseModelConfig(files.config);
    const method = methodSettings(settings, config.vision.grid);
    const tokenizer = new ClipTokenizer(files.tokenizer, config.text.contextLength);
    // Parts are taken out of `files` so that nothing but `weights` holds them, and `weights` lets the
    // vision part go once the image session holds it: the text session is then created without it.
    const owned = !!files.weightParts?.length;
    const parts = owned ? files.weightParts!.splice(0) : [files.weights];
    const weights = ModelWeights.fromParts(parts, config);
    // On WebGPU a failed creation (e.g. the GPU out of memory) is retried on WASM with the same files, so
    // the parts are only detached where nothing retries: elsewhere they go back to `files` on failure.
    const detach = owned && runtime.backend !== 'webgpu';
    const retained = detach ? [] : parts.slice();
    parts.length = 0;
    checkBufferLimit(weights, runtime);
    const textNames = textGraphWeights(config);
    // Sessions opened before a later one fails are released, or their weights stay in the heap.
    const opened: GraphSession[] = [];
    const open = async (build: () => BuiltGraph) => {
      const session = await runtime.createSession(build());
      opened.push(session);
      return session;
    };
    let textSession: GraphSession;
    let imageSession: GraphSession;
    let associationSession: GraphSession;
    try {
      imageSession = await open(() => buildImageEncoder(config, weights));
      // Parts were handed over (the caller kept no reference), so they are freed at once, not at the next GC.
      weights.release(textNames, { detach });
      textSession = await open(() => buildTextEncoder(config, weights));
      weights.release([], { detach });
      associationSession = await open(() => buildAssociationGraph());
    } catch (err) {
      for (const session of opened) await session.release().catch(() => undefined);
      if (owned && !detach) files.weightParts!.push(...retained);
      throw err;
    }
    const v = config.vision;
    const info: ModelInfo = {
      embedDim: config.embedDim,
      imageSize: v.imageSize,
      patchSize: v.patchSize,
      grid: v.grid,
      visionWidth: v.width,
      visionLayers: v.layers,
      textWidth: config.text.width,
      textLayers: config.text.layers,
      quickGelu: config.quickGelu,
      parameters: weights.parameters,
      backend: runtime.backend,
      commit: files.commit ?? null,
    };
    return new WinclipEngine(config, tokenizer, textSession, imageSession, associationSession, info, method);
  }

  info(): ModelInfo {
    return { ...this.modelInfo };
  }

  stats(): EngineStats {
    return { ...this.counters };
  }

  get geometry(): Geometry {
    const v = this.config.vision;
    return {
      grid: v.grid,
      imageSize: v.imageSize,
      embedDim: this.config.embedDim,
      visionWidth: v.width,
    };
  }

  // ---- text -----------------------------------------------------------------------------------

  tokenize(text: string): Int32Array {
    return this.tokenizer.encode(text);
  }

  /** Embeds texts (un-normalised, [n, E]) without touching the cache. */
  async embedTexts(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const E = this.config.embedDim;
    for (let s = 0; s < texts.length; s += TEXT_BATCH) {
      const chunk = texts.slice(s, s + TEXT_BATCH).map((t) => this.tokenizer.encode(t));
      const L = Math.max(...chunk.map((c) => c.length));
      const ids = new BigInt64Array(chunk.length * L);
      const eot = new BigInt64Array(chunk.length);
      chunk.forEach((c, b) => {
        for (let i = 0; i < c.length; i++) ids[b * L + i] = BigInt(c[i]);
        eot[b] = BigInt(b * L + c.length - 1);
      });
      const mask = new Float32Array(L * L);
      for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = Number.NEGATIVE_INFINITY;
      const res = await this.queue.run(() =>
        this.textSession.run(
          {
            ids: { type: 'int64', data: ids, dims: [chunk.length, L] },
            attn_mask: { type: 'float32', data: mask, dims: [L, L] },
            eot_index: { type: 'int64', data: eot, dims: [chunk.length] },
          },
          ['text_embedding'],
        ),
      );
      this.counters.textEncoderRuns++;
      const emb = res.text_embedding.data;
      for (let b = 0; b < chunk.length; b++) out.push(emb.slice(b * E, (b + 1) * E));
    }
    return out;
  }

  async setPrompts(prompts: PromptSet): Promise<{ embedded: number; ms: number }> {
    if (prompts.normal.length === 0 || prompts.anomalous.length === 0) {
      throw new Error('prompts: both the normal and the anomalous list need at least one prompt');
    }
    const t0 = performance.now();
    const fresh = [...new Set([...prompts.normal, ...prompts.anomalous])].filter(
      (p) => !this.textCache.has(p),
    );
    if (fresh.length > 0) {
      const emb = await this.embedTexts(fresh);
      for (const [i, p] of fresh.entries()) this.textCache.set(p, emb[i]);
      this.counters.promptsEmbedded += fresh.length;
    }
    this.prompts = { normal: [...prompts.normal], anomalous: [...prompts.anomalous] };
    this.protos = classPrototypes(
      this.stack(prompts.normal),
      this.stack(prompts.anomalous),
      this.config.embedDim,
    );
    return { embedded: fresh.length, ms: performance.now() - t0 };
  }

  /** Cached embeddings of prompts, stacked [n, E]. */
  promptEmbeddings(prompts: string[]): Float32Array {
    return this.stack(prompts);
  }

  /** Embeddings of prompts, stacked [n, E]; embeds (and caches) only those not seen before. */
  async embedPrompts(prompts: string[]): Promise<Float32Array> {
    const fresh = [...new Set(prompts)].filter((p) => !this.textCache.has(p));
    if (fresh.length > 0) {
      const emb = await this.embedTexts(fresh);
      for (const [i, p] of fresh.entries()) this.textCache.set(p, emb[i]);
      this.counters.promptsEmbedded += fresh.length;
    }
    return this.stack(prompts);
  }

  /** Cached embeddings of those prompts that have one (for a persistent cache outside the engine). */
  exportPromptEmbeddings(prompts: string[]): [string, Float32Array][] {
    const out: [string, Float32Array][] = [];
    for (const p of new Set(prompts)) {
      const e = this.textCache.get(p);
      if (e) out.push([p, e]);
    }
    return out;
  }

  /** Seeds the prompt cache with embeddings computed earlier by this model; wrong sizes are refused. */
  importPromptEmbeddings(entries: [string, Float32Array][]): number {
    const E = this.config.embedDim;
    let n = 0;
    for (const [p, e] of entries) {
      if (e.length !== E) throw new Error(`prompt embedding of "${p}" has ${e.length} values, expected ${E}`);
      if (!this.textCache.has(p)) n++;
      this.textCache.set(p, e);
    }
    return n;
  }

  currentPrompts(): PromptSet | null {
    return this.prompts ? { normal: [...this.prompts.normal], anomalous: [...this.prompts.anomalous] } : null;
  }

  prototypes(): ClassPrototypes {
    if (!this.protos) throw new Error('no prompts set: call setPrompts first');
    return this.protos;
  }

  private stack(prompts: string[]): Float32Array {
    const E = this.config.embedDim;
    const out = new Float32Array(prompts.length * E);
    prompts.forEach((p, i) => {
      const e = this.textCache.get(p);
      if (!e) throw new Error(`internal: prompt not embedded: ${p}`);
      out.set(e, i * E);
    });
    return out;
  }

  // ---- images ---------------------------------------------------------------------------------

  private tokenIndex(k: number): BigInt64Array {
    let idx = this.windowIndex.get(k);
    if (!idx) {
      const g = this.config.vision.grid;
      if (k === 0) {
        // The full pass: CLS and every patch, in order.
        idx = BigInt64Array.from({ length: g * g + 1 }, (_, i) => BigInt(i));
      } else {
        const w = windowIndices(g, k);
        const kk = k * k;
        const n = w.length / kk;
        idx = new BigInt64Array(n * (kk + 1));
        for (let j = 0; j < n; j++) {
          idx[j * (kk + 1)] = 0n; // CLS keeps its slot; patch rows shift by one past it.
          for (let r = 0; r < kk; r++) idx[j * (kk + 1) + 1 + r] = BigInt(w[j * kk + r] + 1);
        }
      }
      this.windowIndex.set(k, idx);
    }
    return idx;
  }

  /** Feeds of one image-encoder run: the tile's pixels and the token sequences of pass k (0 = full). */
  private imageFeeds(pixels: Float32Array, k: number): Record<string, Feed> {
    const S = this.config.vision.imageSize;
    const idx = this.tokenIndex(k);
    const tokens = k === 0 ? idx.length : k * k + 1;
    return {
      pixels: { type: 'float32', data: pixels, dims: [1, 3, S, S] },
      token_index: { type: 'int64', data: idx, dims: [idx.length / tokens, tokens] },
    };
  }

  /** Runs the image encoder on one pre-processed tile [3, S, S]: full pass then each window scale. */
  async encodeTile(
    pixels: Float32Array,
    scales: readonly number[] = this.settings.windowScales,
  ): Promise<TileFeatures & { featureMap: Float32Array }> {
    const full = await this.fullPass(pixels);
    return { ...full, windowEmbeddings: await this.windowPasses(pixels, scales) };
  }

  private async fullPass(pixels: Float32Array) {
    const full = await this.runImage(this.imageFeeds(pixels, 0), ['embedding', 'tokens', 'feature_map']);
    return {
      imageEmbedding: full.embedding.data,
      patchEmbeddings: full.tokens.data,
      featureMap: full.feature_map.data,
    };
  }

  private async windowPasses(pixels: Float32Array, scales: readonly number[]) {
    const windowEmbeddings = new Map<number, Float32Array>();
    for (const k of scales) {
      const r = await this.runImage(this.imageFeeds(pixels, k), ['embedding']);
      windowEmbeddings.set(k, r.embedding.data);
    }
    return windowEmbeddings;
  }

  /** One image-encoder run; exposed for benchmarks (k = 0 is the full pass). */
  async runImagePass(pixels: Float32Array, k: number): Promise<Float32Array> {
    return (await this.runImage(this.imageFeeds(pixels, k), ['embedding'])).embedding.data;
  }

  private runImage(feeds: Record<string, Feed>, fetch: string[]) {
    return this.queue.run(async () => {
      const r = await this.imageSession.run(feeds, fetch);
      this.counters.imageEncoderRuns++;
      return r;
    });
  }

  preprocess(image: RgbImage): { boxes: EncodedImage['boxes']; pixels: Float32Array[] } {
    const { boxes, pixels } = preprocessImage(image, this.preprocessConfig());
    return { boxes, pixels };
  }

  /** The pre-processing this model's inputs need (what preprocessImage takes elsewhere, e.g. a worker). */
  preprocessConfig(): PreprocessConfig {
    const { size, mean, std } = this.config.preprocess;
    return { size, mean: [...mean], std: [...std] };
  }

  /**
   * Full passes of every tile first, then their window passes: the image score (zero-shot, from the
   * full passes alone) reaches `hooks.onImageScore` before the map's work starts. Same features as
   * encoding tile by tile.
   */
  async encode(key: string, image: RgbImage, hooks: EncodeHooks = {}): Promise<EncodedImage> {
    const cached = this.images.get(key);
    if (cached) return cached;
    const t0 = performance.now();
    const { boxes, pixels } = this.preprocess(image);
    return this.encodeTiles(key, { width: image.width, height: image.height, boxes, pixels }, hooks, t0);
  }

  /**
   * Like `encode`, from tiles pre-processed elsewhere with preprocessImage under `preprocessConfig()`
   * (so a pre-processing worker can prepare the next image while this one runs).
   */
  async encodePrepared(
    key: string,
    image: PreprocessedImage,
    hooks: EncodeHooks = {},
  ): Promise<EncodedImage> {
    const cached = this.images.get(key);
    if (cached) return cached;
    const problem = preprocessedProblem(image, this.preprocessConfig());
    if (problem) throw new Error(problem);
    return this.encodeTiles(key, image, hooks, performance.now());
  }

  private async encodeTiles(
    key: string,
    image: PreprocessedImage,
    hooks: EncodeHooks,
    t0: number,
  ): Promise<EncodedImage> {
    const { boxes, pixels } = image;
    const fulls: { imageEmbedding: Float32Array; patchEmbeddings: Float32Array }[] = [];
    for (const px of pixels) {
      const { imageEmbedding, patchEmbeddings } = await this.fullPass(px);
      fulls.push({ imageEmbedding, patchEmbeddings });
    }
    if (hooks.onImageScore && this.protos) {
      hooks.onImageScore({
        imageScore: this.fullPassScore(fulls.map((f) => f.imageEmbedding)),
        final: this.references.length === 0,
        ms: performance.now() - t0,
      });
    }
    const tiles: TileFeatures[] = [];
    for (const [i, px] of pixels.entries()) {
      tiles.push({ ...fulls[i], windowEmbeddings: await this.windowPasses(px, this.settings.windowScales) });
    }
    const encoded: EncodedImage = { width: image.width, height: image.height, boxes, tiles };
    this.images.set(key, encoded);
    this.counters.imagesEncoded++;
    return encoded;
  }

  /** Zero-shot image score from the full-pass embeddings of an image's tiles (as scoreTile computes it). */
  private fullPassScore(embeddings: Float32Array[]): number {
    const { temperature } = scoringParameters({}, this.settings);
    const protos = this.prototypes();
    return meanTileScore(
      embeddings.map((e) => anomalyScores(e, this.config.embedDim, protos, temperature)[0]),
    );
  }

  putEncoded(key: string, encoded: EncodedImage): void {
    this.images.set(key, encoded);
    this.fewShotCache.delete(key);
    if (this.references.includes(key)) this.invalidateMemory();
  }

  getEncoded(key: string): EncodedImage | undefined {
    return this.images.get(key);
  }

  forget(key: string): void {
    if (this.references.includes(key)) this.removeReference(key);
    this.images.delete(key);
    this.fewShotCache.delete(key);
  }

  // ---- reference bank -------------------------------------------------------------------------

  async addReference(key: string, image: RgbImage): Promise<void> {
    await this.encode(key, image);
    this.addReferenceEncoded(key);
  }

  addReferenceEncoded(key: string): void {
    if (!this.images.has(key)) throw new Error(`reference '${key}' is not encoded`);
    if (!this.references.includes(key)) {
      this.references.push(key);
      this.invalidateMemory();
    }
  }

  removeReference(key: string): void {
    const i = this.references.indexOf(key);
    if (i >= 0) {
      this.references.splice(i, 1);
      this.invalidateMemory();
    }
  }

  clearReferences(): void {
    this.references.length = 0;
    this.invalidateMemory();
  }

  referenceKeys(): string[] {
    return [...this.references];
  }

  private invalidateMemory(): void {
    this.memory = null;
    this.memoryVersion++;
  }

  /** Memories over every tile of every reference, in bank order (built lazily, reused). */
  private currentMemory(): Memory | null {
    if (this.references.length === 0) return null;
    if (!this.memory) {
      const tiles = this.references.flatMap((k) => this.images.get(k)!.tiles);
      this.memory = buildMemory(tiles, this.config.vision.width, this.config.embedDim);
    }
    return this.memory;
  }

  // ---- scoring --------------------------------------------------------------------------------

  /** Scores an encoded image with the current prompts and reference bank (zero-shot when it is empty). */
  async score(key: string, options: ScoreOptions = {}): Promise<ImageResult> {
    const { tiles: _t, tileMaps: _m, ...result } = await this.scoreDetailed(key, options);
    return result;
  }

  async scoreDetailed(key: string, options: ScoreOptions = {}): Promise<DetailedResult> {
    const enc = this.images.get(key);
    if (!enc) throw new Error(`image '${key}' is not encoded`);
    return this.scoreEncoded(enc, options, key);
  }

  /**
   * Scores features that need not be in the cache (e.g. read from disk by the evaluator). The few-shot
   * association runs on the inference device; with a `cacheKey` it is kept (it does not depend on the
   * prompts) until the reference bank or the options change.
   */
  async scoreEncoded(
    enc: EncodedImage,
    options: ScoreOptions = {},
    cacheKey?: string,
  ): Promise<DetailedResult> {
    const params = scoringParameters(options, this.settings);
    const memory = options.zeroShotOnly ? null : this.currentMemory();
    if (!memory) return this.compose(enc, options, params, null);
    const cached = this.cachedFewShot(cacheKey, params);
    if (cached) return this.compose(enc, options, params, cached);
    const fewShot = await this.fewShotOnDevice(enc, memory, params);
    this.storeFewShot(cacheKey, params, fewShot);
    return this.compose(enc, options, params, fewShot);
  }

  /**
   * Few-shot score of an encoded image against a memory built from `bankKeys` only (e.g. every other
   * reference, for leave-one-out calibration). The current bank, its memory and the few-shot cache
   * are left untouched.
   */
  async scoreWithBank(key: string, bankKeys: string[], options: ScoreOptions = {}): Promise<DetailedResult> {
    const enc = this.images.get(key);
    if (!enc) throw new Error(`image '${key}' is not encoded`);
    if (bankKeys.length === 0) throw new Error('scoreWithBank: the bank needs at least one image');
    if (options.zeroShotOnly) throw new Error('scoreWithBank: a zero-shot score does not use a bank');
    const tiles = bankKeys.flatMap((k) => {
      const e = this.images.get(k);
      if (!e) throw new Error(`bank image '${k}' is not encoded`);
      return e.tiles;
    });
    const params = scoringParameters(options, this.settings);
    const memory = buildMemory(tiles, this.config.vision.width, this.config.embedDim);
    return this.compose(enc, options, params, await this.fewShotOnDevice(enc, memory, params));
  }

  /** Visual association of every tile of `enc` against `memory`, on the inference device. */
  private async fewShotOnDevice(
    enc: EncodedImage,
    memory: Memory,
    params: ScoringParameters,
  ): Promise<FewShotTile[]> {
    const geom = this.geometry;
    const { scales } = params;
    const fewShot: FewShotTile[] = [];
    for (const tile of enc.tiles) {
      const q = fewShotQueries(tile, geom, scales);
      const patches = await this.associateOnDevice(q.patches, geom.visionWidth, memory.patches);
      const windows = new Map<number, Float32Array>();
      for (const k of scales) {
        const mem = memory.windows.get(k);
        if (!mem) throw new Error(`memory has no scale-${k} windows`);
        windows.set(k, await this.associateOnDevice(q.windows.get(k)!, geom.embedDim, mem));
      }
      fewShot.push(fewShotFromAssociations(patches, windows, geom, params));
    }
    return fewShot;
  }

  /** min over memory rows of (1 − cos)/2 per query row, on the inference device. */
  async associateOnDevice(query: Float32Array, dim: number, memory: Float32Array): Promise<Float32Array> {
    const r = await this.queue.run(() =>
      this.associationSession.run(
        {
          query: { type: 'float32', data: query, dims: [query.length / dim, dim] },
          memory: { type: 'float32', data: memory, dims: [memory.length / dim, dim] },
        },
        ['distance'],
      ),
    );
    return r.distance.data;
  }

  /** The parameters the few-shot maps depend on (the association itself depends on the scales only). */
  private fewShotOptsKey(params: ScoringParameters): string {
    return `${params.aggregation}|${params.scales.join(',')}`;
  }

  private cachedFewShot(cacheKey: string | undefined, params: ScoringParameters): FewShotTile[] | undefined {
    const hit = cacheKey ? this.fewShotCache.get(cacheKey) : undefined;
    return hit && hit.version === this.memoryVersion && hit.optsKey === this.fewShotOptsKey(params)
      ? hit.tiles
      : undefined;
  }

  private storeFewShot(cacheKey: string | undefined, params: ScoringParameters, tiles: FewShotTile[]): void {
    if (cacheKey)
      this.fewShotCache.set(cacheKey, {
        version: this.memoryVersion,
        optsKey: this.fewShotOptsKey(params),
        tiles,
      });
  }

  /** Zero-shot part (cheap, prompt-dependent) + the given few-shot part → tile maps → full-res map. */
  private compose(
    enc: EncodedImage,
    options: ScoreOptions,
    params: ScoringParameters,
    fewShot: FewShotTile[] | null,
  ): DetailedResult {
    const protos = this.prototypes();
    const geom = this.geometry;
    const S = geom.imageSize;
    const tiles = enc.tiles.map((t, i) => scoreTile(t, protos, geom, params, fewShot?.[i] ?? null));
    const tileMaps = tiles.map((t) => bilinearResize(t.grid, geom.grid, geom.grid, S, S));
    const { width, height, boxes } = mapGeometry(enc, options.maxMapSide);
    return {
      width,
      height,
      imageScore: meanTileScore(tiles.map((t) => t.imageScore)),
      anomalyMap: mergeTileMaps(width, height, boxes, tileMaps, S),
      mode: fewShot ? 'few-shot' : 'zero-shot',
      tiles,
      tileMaps,
    };
  }

  async dispose(): Promise<void> {
    await this.textSession.release();
    await this.imageSession.release();
    await this.associationSession.release();
  }
}
