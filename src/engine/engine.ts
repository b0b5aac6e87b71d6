/**
 * WinCLIP / WinCLIP+ engine: tokenises and embeds prompts (cached per prompt string), encodes
 * images (one full pass + one batched pass per window scale, per tile; cached per image key),
 * keeps the few-shot reference bank, and scores with the pure core. Platform-neutral: the ORT
 * runtime is injected (onnxruntime-node in the CLI, onnxruntime-web in the worker).
 */

import { cropImage, formatBox, type PixelRect, sameRoi } from '../core/inspection-region';
import { type MethodSettings, methodSettings } from '../core/method-settings';
import {
  type PreprocessConfig,
  type PreprocessedImage,
  preprocessedProblem,
  preprocessImage,
} from '../core/preprocess';
import { type ScoreOptions, type ScoringParameters, scoringParameters } from '../core/score-options';
import { anomalyScores, type ClassPrototypes, type FewShotTile, type Memory } from '../core/scoring';
import { SerialQueue } from '../core/serial-queue';
import { meanTileScore } from '../core/tiling';
import type { Geometry, ImageResult, PromptSet, RgbImage, TileFeatures } from '../core/types';
import { type ModelConfig, parseModelConfig } from '../model/config';
import type { ModelFiles } from '../model/file-names';
import { ClipTokenizer } from '../model/tokenizer';
import type { EncodedImage, EncodeOptions, EngineStats, ModelInfo } from './api';
import { composeResult, type DetailedResult } from './compose-result';
import { associate, fewShotTiles } from './few-shot-device';
import { type EngineOptions, modelInfo } from './model-info';
import { type LotSource, OrtMuscDevice } from './musc-device';
import { openSessions } from './open-sessions';
import { passFeeds, passTokenIndex, textFeeds } from './passes';
import { PromptCache } from './prompt-cache';
import { ReferenceBank } from './reference-bank';
import type { Feed, GraphSession, OrtRuntime } from './runtime';

/** Prompts per text-encoder run: bounds activation memory for large ensembles. */
const TEXT_BATCH = 128;

export type { DetailedResult } from './compose-result';

export class WinclipEngine {
  private readonly images = new Map<string, EncodedImage>();
  private readonly promptCache: PromptCache;
  private readonly bank: ReferenceBank;
  private readonly queue = new SerialQueue();
  private readonly windowIndex = new Map<number, BigInt64Array>();
  private musc: OrtMuscDevice | null = null;
  private readonly counters: Omit<EngineStats, 'promptsEmbedded'> = {
    imageEncoderRuns: 0,
    imagesEncoded: 0,
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
    private readonly lot: LotSource | null,
  ) {
    this.promptCache = new PromptCache(config.embedDim, (texts) => this.embedTexts(texts));
    this.bank = new ReferenceBank(config.vision.width, config.embedDim, (k) => this.images.get(k)?.tiles);
  }

  /**
   * Validates the three model files, builds the three graphs (text encoder, image encoder, few-shot
   * association) and opens their sessions. `settings` overrides the method settings' defaults;
   * `options.lotMode` keeps the vision weights for `muscDevice()`; `options.textOnFirstRun` leaves the
   * text encoder's session to the first prompt embedding.
   */
  static async create(
    files: ModelFiles,
    runtime: OrtRuntime,
    settings: Partial<MethodSettings> = {},
    options: EngineOptions = {},
  ): Promise<WinclipEngine> {
    const config = parseModelConfig(files.config);
    const method = methodSettings(settings, config.vision.grid);
    const tokenizer = new ClipTokenizer(files.tokenizer, config.text.contextLength);
    const sessions = await openSessions(files, config, runtime, {
      keepVisionWeights: options.lotMode,
      textOnFirstRun: options.textOnFirstRun,
    });
    const info = modelInfo(config, sessions.parameters, runtime.backend, files.commit);
    const lot = sessions.visionWeights && { runtime, weights: sessions.visionWeights };
    return new WinclipEngine(
      config,
      tokenizer,
      sessions.text,
      sessions.image,
      sessions.association,
      info,
      method,
      lot,
    );
  }

  /** The lot mode's device (MuSc); its sessions open on first use and run on this engine's queue. */
  muscDevice(): OrtMuscDevice {
    if (!this.lot) throw new Error('muscDevice(): the engine was created without { lotMode: true }');
    this.musc ??= new OrtMuscDevice(this.config, this.lot.runtime, this.lot.weights, {
      schedule: (job) => this.queue.run(job),
    });
    return this.musc;
  }

  info(): ModelInfo {
    return { ...this.modelInfo };
  }

  stats(): EngineStats {
    return { ...this.counters, promptsEmbedded: this.promptCache.embedded };
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
      const feeds = textFeeds(chunk);
      const res = await this.queue.run(() => this.textSession.run(feeds, ['text_embedding']));
      this.counters.textEncoderRuns++;
      const emb = res.text_embedding.data;
      for (let b = 0; b < chunk.length; b++) out.push(emb.slice(b * E, (b + 1) * E));
    }
    return out;
  }

  async setPrompts(prompts: PromptSet): Promise<{ embedded: number; ms: number }> {
    return this.promptCache.set(prompts);
  }

  /** Cached embeddings of prompts, stacked [n, E]. */
  promptEmbeddings(prompts: string[]): Float32Array {
    return this.promptCache.stack(prompts);
  }

  /** Embeddings of prompts, stacked [n, E]; embeds (and caches) only those not seen before. */
  async embedPrompts(prompts: string[]): Promise<Float32Array> {
    return this.promptCache.embed(prompts);
  }

  /** Cached embeddings of those prompts that have one (for a persistent cache outside the engine). */
  exportPromptEmbeddings(prompts: string[]): [string, Float32Array][] {
    return this.promptCache.export(prompts);
  }

  /** Seeds the prompt cache with embeddings computed earlier by this model; wrong sizes are refused. */
  importPromptEmbeddings(entries: [string, Float32Array][]): number {
    return this.promptCache.import(entries);
  }

  currentPrompts(): PromptSet | null {
    return this.promptCache.current();
  }

  prototypes(): ClassPrototypes {
    return this.promptCache.prototypes();
  }

  // ---- images ---------------------------------------------------------------------------------

  private imageFeeds(pixels: Float32Array, k: number): Record<string, Feed> {
    let idx = this.windowIndex.get(k);
    if (!idx) {
      idx = passTokenIndex(this.config.vision.grid, k);
      this.windowIndex.set(k, idx);
    }
    return passFeeds(pixels, this.config.vision.imageSize, idx, k);
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
   * encoding tile by tile. With `options.roi` the image is cropped to it first (features of the crop).
   */
  async encode(key: string, image: RgbImage, options: EncodeOptions = {}): Promise<EncodedImage> {
    const cached = this.cachedEncoding(key, options.roi);
    if (cached) return cached;
    const t0 = performance.now();
    const input = options.roi ? cropImage(image, options.roi) : image;
    const { boxes, pixels } = this.preprocess(input);
    const prepared = { width: input.width, height: input.height, boxes, pixels };
    return this.encodeTiles(key, prepared, options, t0);
  }

  /** The features cached under `key`, if encoded under the same ROI (another ROI is the caller's mistake). */
  private cachedEncoding(key: string, roi: PixelRect | undefined): EncodedImage | undefined {
    const cached = this.images.get(key);
    if (cached && !sameRoi(cached.roi, roi))
      throw new Error(
        `image '${key}' was encoded ${cached.roi ? `inside ${formatBox(cached.roi)}` : 'whole'}; forget it before encoding it ${roi ? `inside ${formatBox(roi)}` : 'whole'}`,
      );
    return cached;
  }

  /**
   * Like `encode`, from tiles pre-processed elsewhere with preprocessImage under `preprocessConfig()`
   * (so a pre-processing worker can prepare the next image while this one runs).
   */
  async encodePrepared(
    key: string,
    image: PreprocessedImage,
    options: EncodeOptions = {},
  ): Promise<EncodedImage> {
    const cached = this.cachedEncoding(key, options.roi);
    if (cached) return cached;
    const problem = preprocessedProblem(image, this.preprocessConfig());
    if (problem) throw new Error(problem);
    return this.encodeTiles(key, image, options, performance.now());
  }

  private async encodeTiles(
    key: string,
    image: PreprocessedImage,
    hooks: EncodeOptions,
    t0: number,
  ): Promise<EncodedImage> {
    const { boxes, pixels } = image;
    const fulls: { imageEmbedding: Float32Array; patchEmbeddings: Float32Array }[] = [];
    for (const px of pixels) {
      const { imageEmbedding, patchEmbeddings } = await this.fullPass(px);
      fulls.push({ imageEmbedding, patchEmbeddings });
    }
    if (hooks.onImageScore && this.promptCache.hasPrototypes()) {
      hooks.onImageScore({
        imageScore: this.fullPassScore(fulls.map((f) => f.imageEmbedding)),
        final: this.bank.size === 0,
        ms: performance.now() - t0,
      });
    }
    const tiles: TileFeatures[] = [];
    for (const [i, px] of pixels.entries()) {
      tiles.push({ ...fulls[i], windowEmbeddings: await this.windowPasses(px, this.settings.windowScales) });
    }
    const encoded: EncodedImage = { width: image.width, height: image.height, boxes, tiles };
    if (hooks.roi) encoded.roi = { ...hooks.roi };
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
    this.bank.featuresChanged(key);
  }

  getEncoded(key: string): EncodedImage | undefined {
    return this.images.get(key);
  }

  forget(key: string): void {
    this.bank.remove(key);
    this.images.delete(key);
    this.bank.featuresChanged(key);
  }

  // ---- reference bank -------------------------------------------------------------------------

  /** Adds a reference (encoding it if needed), cropped to `roi` when given (whether to: `referenceRoi`). */
  async addReference(key: string, image: RgbImage, roi?: PixelRect): Promise<void> {
    await this.encode(key, image, { roi });
    this.bank.add(key);
  }

  addReferenceEncoded(key: string): void {
    this.bank.add(key);
  }

  removeReference(key: string): void {
    this.bank.remove(key);
  }

  clearReferences(): void {
    this.bank.clear();
  }

  referenceKeys(): string[] {
    return this.bank.list();
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
    const setupRoi = options.setup?.roi;
    if (options.setup && !sameRoi(setupRoi, enc.roi))
      throw new Error(
        `the image was encoded ${enc.roi ? `inside ${formatBox(enc.roi)}` : 'whole'} but is scored ${setupRoi ? `inside ${formatBox(setupRoi)}` : 'whole'}: encode it again under the new inspection region`,
      );
    const params = scoringParameters(options, this.settings);
    const memory = options.zeroShotOnly ? null : this.bank.currentMemory();
    if (!memory) return this.compose(enc, options, params, null);
    const cached = this.bank.cached(cacheKey, params);
    if (cached) return this.compose(enc, options, params, cached);
    const fewShot = await this.fewShotOnDevice(enc, memory, params);
    this.bank.store(cacheKey, params, fewShot);
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
    const params = scoringParameters(options, this.settings);
    const memory = this.bank.memoryOf(bankKeys);
    return this.compose(enc, options, params, await this.fewShotOnDevice(enc, memory, params));
  }

  /** Visual association of every tile of `enc` against `memory`, on the inference device. */
  private fewShotOnDevice(enc: EncodedImage, memory: Memory, params: ScoringParameters) {
    return fewShotTiles(enc, memory, this.geometry, params, (q, dim, mem) =>
      this.associateOnDevice(q, dim, mem),
    );
  }

  /** min over memory rows of (1 − cos)/2 per query row, on the inference device. */
  associateOnDevice(query: Float32Array, dim: number, memory: Float32Array): Promise<Float32Array> {
    return associate(this.associationSession, this.queue, query, dim, memory);
  }

  private compose(
    enc: EncodedImage,
    options: ScoreOptions,
    params: ScoringParameters,
    fewShot: FewShotTile[] | null,
  ): DetailedResult {
    const { maxMapSide, setup } = options;
    return composeResult(enc, this.prototypes(), this.geometry, params, fewShot, maxMapSide, setup?.ignore);
  }

  async dispose(): Promise<void> {
    await this.textSession.release();
    await this.imageSession.release();
    await this.associationSession.release();
    await this.musc?.dispose();
  }
}
