/**
 * The worker side of the engine: owns the onnxruntime-web runtime and one WinclipEngine, decodes images,
 * and hands back small summaries and ImageBitmaps (layers drawn by render-bitmaps). Every cancellable
 * call runs through `guard`, which checks for cancellation, classifies failures and forgets the request.
 */
import * as Comlink from 'comlink';
import { quantiles } from '../src/core/calibration';
import {
  abortError,
  EngineFatalError,
  errorText,
  isAbortError,
  isOutOfMemoryError,
} from '../src/core/errors';
import { mapRange, mapRegions } from '../src/core/map-regions';
import { type PreprocessConfig, samePreprocess } from '../src/core/preprocess';
import type { ScoreOptions } from '../src/core/score-options';
import type { StateEmbedding, StateGroups } from '../src/core/state-words';
import type { ImageResult, PromptSet, RgbImage } from '../src/core/types';

import { fingerprintBytes } from '../src/core/weights-fingerprint';
import type { EncodeHooks, EngineStats } from '../src/engine/api';
import { WinclipEngine } from '../src/engine/engine';
import { explain, stateVocabulary } from '../src/engine/explain';
import { createWebRuntime, type GpuDeviceHandle, webGpuDevice } from '../src/engine/runtime-web';
import { warmedUp } from '../src/engine/warm-up';
import { diskReadError, openDiskWeights } from '../src/io/blob-bytes';

import { thumbnailOf } from '../src/io/decode-browser';
import { decodeWholeImage } from '../src/io/image-precheck';
import { contentHash, modelIdentityOf } from '../src/io/model-identity';
import type { ModelFiles } from '../src/model/file-names';
import { classifyEngineError } from './errors';
import { encodedBytes, FeatureStore } from './feature-store';
import type {
  BackendReport,
  DetailRender,
  DetailRenderOptions,
  EngineFault,
  EngineWorkerApi,
  ExplainResult,
  FaultListener,
  FeatureMemory,
  FirstScoreListener,
  InspectResult,
  LoadedModel,
  LooScore,
  MapReport,
  OverlayOptions,
  PreparedImage,
  ProgressListener,
  RawMap,
  ReferenceAdded,
  RescoreResult,
  ScoreSummary,
  StageProgress,
  StartOptions,
  StoredBinding,
  StoredInfo,
} from './protocol';
import { heatmapBitmap, outlineBitmap, overlayPng } from './render-bitmaps';
import { ResultCache } from './result-cache';

type WebRuntime = Awaited<ReturnType<typeof createWebRuntime>>;

/** Side of the small maps sent with every score (gallery thumbnails). */
const THUMB_MAP_SIDE = 160;
/** Full-resolution results kept for the detail view and overlay export. */
const RESULT_CACHE_SIZE = 3;
/**
 * Images whose stored features stay in memory; older ones spill (they are in storage and reload on
 * demand). References are always kept, and so are features that could not be stored.
 */
export const FEATURE_WORKING_SET = 64;

const ZERO_STATS: EngineStats = {
  imageEncoderRuns: 0,
  imagesEncoded: 0,
  promptsEmbedded: 0,
  textEncoderRuns: 0,
};

function nameOf(blob: Blob, fallback: string): string {
  return blob instanceof File && blob.name ? blob.name : fallback;
}

export class EngineHost implements EngineWorkerApi {
  private runtime: WebRuntime | null = null;
  private engine: WinclipEngine | null = null;
  private listener: ProgressListener | null = null;
  private faultListener: FaultListener | null = null;
  private wasmPaths = '';
  /** The WebGPU device being watched for loss, and the loss message once it is gone. */
  private watchedDevice: GpuDeviceHandle | null = null;
  private deviceLost: string | null = null;
  /** Test hook: the next WebGPU session creation fails with this message (see debugFailNextGpuSession). */
  private injectedGpuFailure: string | null = null;
  private firstScoreListener: FirstScoreListener | null = null;
  private readonly cancelled = new Set<string>();
  /** Full results by key; cleared when prompts or references change. */
  private readonly results = new ResultCache(RESULT_CACHE_SIZE);
  /** The options each image was last scored with, so its full-resolution map matches its score. */
  private readonly scoreOptions = new Map<string, ScoreOptions>();
  private readonly store = new FeatureStore();
  private modelId: string | null = null;
  /** Content hash per image key, for keys whose features may live in storage. */
  private readonly bindings = new Map<string, string>();
  /** Image keys with stored features in memory, least recently used first. */
  private readonly workingSet = new Map<string, true>();
  /** Image keys whose features could not be stored: never spilled. */
  private readonly unsaved = new Set<string>();
  /** State-word embeddings for the last state groups asked for (prompts change rarely). */
  private vocabulary: { key: string; states: StateEmbedding[] } | null = null;

  ping(): string {
    return 'pong';
  }

  setProgressListener(listener: ProgressListener | null): void {
    this.listener = listener;
  }

  setFirstScoreListener(listener: FirstScoreListener | null): void {
    this.firstScoreListener = listener;
  }

  setFaultListener(listener: FaultListener | null): void {
    this.faultListener = listener;
  }

  private fault(f: EngineFault): void {
    void Promise.resolve(this.faultListener?.(f)).catch(() => undefined);
  }

  /**
   * Watches the WebGPU device for loss (driver reset, GPU process crash, `destroy()`): the UI is told at
   * once, so it can replace this worker instead of waiting for a run that may never finish.
   */
  private async watchDevice(): Promise<void> {
    if (this.runtime?.backend !== 'webgpu') return;
    const device = await webGpuDevice();
    if (!device || device === this.watchedDevice) return;
    this.watchedDevice = device;
    void device.lost.then((info) => {
      if (this.watchedDevice !== device) return;
      this.deviceLost = info.message || info.reason || 'unknown reason';
      console.warn('WebGPU device lost:', this.deviceLost);
      const why = this.deviceLost.replace(/\.$/, '');
      this.fault({ kind: 'gpu-device-lost', message: `the GPU device was lost: ${why}` });
    });
  }

  private report(p: StageProgress): void {
    // Fire and forget: a slow UI thread must never stall the engine.
    void Promise.resolve(this.listener?.(p)).catch(() => undefined);
  }

  /**
   * Runs one cancellable call: `check()` throws an AbortError once `cancel(requestId)` arrived, any
   * failure is classified (out of memory, fatal), and the request is forgotten however it ends.
   */
  private async guard<T>(
    requestId: string,
    what: string,
    body: (check: () => void) => Promise<T>,
  ): Promise<T> {
    const check = () => {
      if (this.cancelled.has(requestId)) throw abortError();
    };
    try {
      check();
      // onnxruntime may hand its device out only once it ran: start watching as soon as there is one.
      if (!this.watchedDevice) await this.watchDevice();
      return await body(check);
    } catch (err) {
      // A run that fails under a lost device may fail before the loss is announced: give it a moment.
      if (!isAbortError(err) && this.watchedDevice && !this.deviceLost) {
        await Promise.race([this.watchedDevice.lost, new Promise((r) => setTimeout(r, 500))]);
      }
      // After a device loss every GPU call fails in its own way: report the cause, not the symptom.
      if (this.deviceLost && !isAbortError(err))
        throw new EngineFatalError(`The GPU device was lost while ${what} (${this.deviceLost})`);
      throw classifyEngineError(err, what);
    } finally {
      this.cancelled.delete(requestId);
    }
  }

  cancel(requestId: string): void {
    this.cancelled.add(requestId);
  }

  private requireEngine(): WinclipEngine {
    if (!this.engine) throw new Error('No model is loaded');
    return this.engine;
  }

  async start(opts: StartOptions): Promise<BackendReport> {
    this.wasmPaths = opts.wasmPaths;
    this.store.prepare();
    if (!this.runtime) {
      this.report({ kind: 'stage', stage: 'runtime', backend: opts.backend });
      try {
        // Its backend starts now, not awaited: the page reads the model meanwhile.
        this.runtime = warmedUp(
          await createWebRuntime({
            backend: opts.backend,
            wasmPaths: opts.wasmPaths,
            threads: opts.threads,
          }),
        );
      } catch (err) {
        throw classifyEngineError(err, `starting the ${opts.backend} backend`);
      }
    }
    return { backend: this.runtime.backend, reason: this.runtime.reason };
  }

  async loadModel(requestId: string, files: ModelFiles): Promise<LoadedModel> {
    if (!this.runtime) throw new Error('The runtime is not started');
    // The previous model's sessions hold its weights in onnxruntime's heap (or GPU buffers): free them
    // before the new ones are built, or every switch grows memory by about twice the weights.
    await this.releaseEngine();
    this.modelId = null;
    this.vocabulary = null;
    this.report({ kind: 'stage', stage: 'model' });
    const t0 = performance.now();
    return this.guard(requestId, 'loading the model', async (check) => {
      const { files: opened, disk } = await openDiskWeights(files);
      let weightsFingerprint: string;
      let modelId: string;
      let engine: WinclipEngine;
      try {
        // Taken before the engine takes over (and frees) the weight parts.
        weightsFingerprint = fingerprintBytes(
          opened.weightParts?.length ? opened.weightParts : opened.weights,
        );
        modelId = await modelIdentityOf(weightsFingerprint, opened.config);
        engine = await this.createEngine(opened);
      } catch (err) {
        throw diskReadError(files, disk) ?? err;
      } finally {
        disk?.dropLastRead();
      }
      const runtime = this.runtime!;
      if (this.engine) await this.releaseEngine();
      try {
        check();
      } catch (err) {
        await engine.dispose().catch(() => undefined);
        throw err;
      }
      this.modelId = modelId;
      this.bindings.clear();
      this.workingSet.clear();
      this.unsaved.clear();
      this.engine = engine;
      void this.watchDevice();
      return {
        info: engine.info(),
        backend: runtime.backend,
        reason: runtime.reason,
        ms: performance.now() - t0,
        weightsFingerprint,
      };
    });
  }

  /**
   * Creates the engine on the current runtime; when the GPU runs out of memory while the sessions are
   * created, switches this worker to WASM (with the reason) and tries once more there.
   */
  private async createEngine(files: ModelFiles): Promise<WinclipEngine> {
    const runtime = this.runtime!;
    try {
      return await WinclipEngine.create(files, this.withInjectedFailure(runtime));
    } catch (err) {
      const classified = classifyEngineError(err, 'creating the model on the GPU');
      if (runtime.backend !== 'webgpu' || !isOutOfMemoryError(classified)) throw err;
      const wasm = await createWebRuntime({ backend: 'wasm', wasmPaths: this.wasmPaths });
      this.runtime = {
        ...wasm,
        reason: `falling back to WASM: the GPU ran out of memory while creating the model (${errorText(err)})`,
      };
      this.report({ kind: 'stage', stage: 'model' });
      return WinclipEngine.create(files, this.runtime);
    }
  }

  private withInjectedFailure(runtime: WebRuntime): WebRuntime {
    if (runtime.backend !== 'webgpu' || !this.injectedGpuFailure) return runtime;
    const message = this.injectedGpuFailure;
    this.injectedGpuFailure = null;
    let created = 0;
    return {
      ...runtime,
      // Fails the second session (the image encoder), as a real allocation failure midway would.
      createSession: async (graph) => {
        created += 1;
        if (created === 2) throw new Error(message);
        return runtime.createSession(graph);
      },
    };
  }

  /** Releases the engine's sessions (their weights and buffers) and forgets every result. */
  private async releaseEngine(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.results.clear();
    if (engine) await engine.dispose().catch(() => undefined);
  }

  async unloadModel(): Promise<void> {
    await this.releaseEngine();
  }

  /** Test hook: destroys the WebGPU device as a driver reset would; false when there is none. */
  async debugLoseGpuDevice(): Promise<boolean> {
    const device = this.runtime?.backend === 'webgpu' ? await webGpuDevice() : null;
    if (!device) return false;
    device.destroy();
    return true;
  }

  /** Test hook: the next model load on WebGPU fails in session creation with `message`. */
  debugFailNextGpuSession(message: string): void {
    this.injectedGpuFailure = message;
  }

  async setPrompts(requestId: string, prompts: PromptSet): Promise<{ embedded: number; ms: number }> {
    const engine = this.requireEngine();
    return this.guard(requestId, 'embedding prompts', async () => {
      this.report({ kind: 'stage', stage: 'prompts' });
      const all = [...new Set([...prompts.normal, ...prompts.anomalous])];
      const missing = await this.restorePrompts(engine, all);
      const out = await engine.setPrompts(prompts);
      if (out.embedded > 0) await this.savePrompts(engine, missing);
      this.results.clear();
      return out;
    });
  }

  private async resultFor(key: string): Promise<ImageResult> {
    const cached = this.results.get(key);
    if (cached) return cached;
    const engine = this.requireEngine();
    if (!(await this.ensureLoaded(key))) throw new Error('This image is not encoded yet');
    const result = await engine.score(key, this.scoreOptions.get(key));
    this.results.put(key, result);
    return result;
  }

  /**
   * Score and a thumbnail-sized map. The map is computed at preview resolution (not the photo's), so
   * re-scoring a gallery of 12-MP photos after a prompt edit stays fast; the detail view and exports
   * compute the full-resolution map on demand. Few-shot association runs on the inference device.
   */
  private async summarize(key: string, options: ScoreOptions = {}): Promise<ScoreSummary> {
    const engine = this.requireEngine();
    const encoded = engine.getEncoded(key);
    if (!encoded) throw new Error('This image is not encoded yet');
    const preview = await engine.score(key, { ...options, maxMapSide: THUMB_MAP_SIDE });
    this.results.delete(key);
    this.scoreOptions.set(key, options);
    const { min, max } = mapRange(preview.anomalyMap);
    return {
      key,
      width: encoded.width,
      height: encoded.height,
      score: preview.imageScore,
      mode: preview.mode,
      bank: preview.mode === 'few-shot' ? engine.referenceKeys().length : 0,
      mapMin: min,
      mapMax: max,
      thumbMap: { width: preview.width, height: preview.height, data: preview.anomalyMap },
    };
  }

  /** Encodes and, as soon as the full passes give it, reports the image score (the map comes later). */
  private encodeWithFirstScore(engine: WinclipEngine, key: string, rgb: RgbImage) {
    return engine.encode(key, rgb, this.firstScoreHooks(key));
  }

  private firstScoreHooks(key: string): EncodeHooks {
    return {
      onImageScore: (f) => {
        if (f.final)
          void Promise.resolve(this.firstScoreListener?.({ key, score: f.imageScore, ms: f.ms })).catch(
            () => undefined,
          );
      },
    };
  }

  async inspect(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<InspectResult> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.guard(requestId, `inspecting ${name}`, async (check) => {
      const { rgb, bitmap } = await decodeWholeImage(image, name);
      const thumb = await thumbnailOf(bitmap, thumbSide);
      bitmap.close();
      check();
      const t0 = performance.now();
      const encoded = await this.encodeWithFirstScore(engine, key, rgb);
      const encodeMs = performance.now() - t0;
      check();
      const summary = await this.summarize(key, options);
      const out: InspectResult = { ...summary, thumb, encodeMs, tiles: encoded.tiles.length };
      return Comlink.transfer(out, [thumb, summary.thumbMap.data.buffer]);
    });
  }

  async addReference(requestId: string, key: string, image: Blob): Promise<ReferenceAdded> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.guard(requestId, `adding reference ${name}`, async (check) => {
      const { rgb, bitmap } = await decodeWholeImage(image, name);
      bitmap.close();
      check();
      await engine.addReference(key, rgb);
      this.results.clear();
      const tiles = engine.getEncoded(key)?.tiles.length ?? 0;
      return { key, width: rgb.width, height: rgb.height, tiles };
    });
  }

  removeReference(key: string): void {
    const engine = this.requireEngine();
    engine.removeReference(key);
    engine.forget(key);
    this.results.clear();
  }

  clearReferences(): void {
    const engine = this.requireEngine();
    for (const key of engine.referenceKeys()) engine.forget(key);
    engine.clearReferences();
    this.results.clear();
  }

  referenceKeys(): string[] {
    return this.engine?.referenceKeys() ?? [];
  }

  async rescore(requestId: string, keys: string[], options?: ScoreOptions): Promise<RescoreResult> {
    this.requireEngine();
    const t0 = performance.now();
    return this.guard(requestId, 're-scoring', async (check) => {
      const results: ScoreSummary[] = [];
      for (let i = 0; i < keys.length; i++) {
        check();
        if (!(await this.ensureLoaded(keys[i]))) continue;
        results.push(await this.summarize(keys[i], options));
        this.report({ kind: 'stage', stage: 'rescore', done: i + 1, total: keys.length });
        // Yield so that a cancel message can be processed between images.
        if (i % 4 === 3) await new Promise((r) => setTimeout(r, 0));
      }
      return Comlink.transfer(
        { results, ms: performance.now() - t0 },
        results.map((r) => r.thumbMap.data.buffer),
      );
    });
  }

  async renderDetail(requestId: string, key: string, opts: DetailRenderOptions): Promise<DetailRender> {
    return this.guard(requestId, 'rendering the heatmap', async (check) => {
      const result = await this.resultFor(key);
      const heatmap = await heatmapBitmap(result, opts);
      check();
      const { bitmap: outline, regions } = await outlineBitmap(result, opts.pixelThreshold);
      const out: DetailRender = {
        width: result.width,
        height: result.height,
        heatmap,
        outline,
        maxPixel: mapRange(result.anomalyMap).max,
        areaAbove: regions.areaAbove,
        regions: regions.regions,
      };
      return Comlink.transfer(out, [heatmap, outline]);
    });
  }

  async renderOverlayPng(requestId: string, key: string, image: Blob, opts: OverlayOptions): Promise<Blob> {
    return this.guard(requestId, 'exporting the overlay', async (check) => {
      const result = await this.resultFor(key);
      check();
      return overlayPng(result, image, nameOf(image, key), opts);
    });
  }

  async looScore(requestId: string, key: string, bankKeys: string[]): Promise<LooScore> {
    const engine = this.requireEngine();
    return this.guard(requestId, 'calibrating', async () => {
      const r = await engine.scoreWithBank(key, bankKeys);
      const [median, max] = quantiles(r.anomalyMap, [0.5, 1]);
      return { key, imageScore: r.imageScore, maxPixel: max, medianPixel: median };
    });
  }

  async explain(
    requestId: string,
    key: string,
    pixelThreshold: number,
    groups: StateGroups,
  ): Promise<ExplainResult> {
    const engine = this.requireEngine();
    return this.guard(requestId, 'explaining the regions', async (check) => {
      const result = await this.resultFor(key);
      check();
      const vkey = JSON.stringify(groups);
      if (this.vocabulary?.key !== vkey) {
        this.vocabulary = { key: vkey, states: await stateVocabulary(engine, groups) };
      }
      check();
      const e = explain(engine, key, result, pixelThreshold, this.vocabulary.states);
      return {
        width: result.width,
        height: result.height,
        pixelThreshold,
        regions: e.regions.map((r) => ({
          box: r.box,
          area: r.area,
          areaFraction: r.areaFraction,
          peak: r.peak,
          state: r.state?.state ?? null,
          stateShare: r.state?.share ?? null,
        })),
        imageStates: e.imageStates.map((m) => ({ state: m.state, cls: m.cls, share: m.share })),
      };
    });
  }

  async mapReport(requestId: string, key: string, pixelThreshold: number): Promise<MapReport> {
    return this.guard(requestId, 'measuring the map', async () => {
      const r = await this.resultFor(key);
      const { regions } = mapRegions(r.anomalyMap, r.width, r.height, pixelThreshold);
      const areaAbove = regions.reduce((a, g) => a + g.area, 0);
      return {
        width: r.width,
        height: r.height,
        maxPixel: mapRange(r.anomalyMap).max,
        areaAbove,
        areaAboveFraction: areaAbove / (r.width * r.height),
        regions: regions.map((g) => ({ box: g.box, area: g.area, peak: g.peak })),
      };
    });
  }

  async rawMap(requestId: string, key: string): Promise<RawMap> {
    return this.guard(requestId, 'exporting the map', async () => {
      const r = await this.resultFor(key);
      // A copy: the cached result keeps its own map for the detail view.
      const data = r.anomalyMap.slice();
      return Comlink.transfer({ width: r.width, height: r.height, data }, [data.buffer]);
    });
  }

  forget(key: string): void {
    this.results.delete(key);
    this.scoreOptions.delete(key);
    this.engine?.forget(key);
    this.bindings.delete(key);
    this.workingSet.delete(key);
    this.unsaved.delete(key);
  }

  // ---- feature store ------------------------------------------------------------------------

  modelIdentity(): string | null {
    return this.modelId;
  }

  /** Loads embeddings of `prompts` the engine lacks from storage; returns those still missing. */
  private async restorePrompts(engine: WinclipEngine, prompts: string[]): Promise<string[]> {
    const have = new Set(engine.exportPromptEmbeddings(prompts).map(([p]) => p));
    const missing = prompts.filter((p) => !have.has(p));
    if (!this.modelId || missing.length === 0) return missing;
    const stored = await this.store.getPrompts(this.modelId, missing).catch(() => []);
    engine.importPromptEmbeddings(stored);
    const got = new Set(stored.map(([p]) => p));
    return missing.filter((p) => !got.has(p));
  }

  private async savePrompts(engine: WinclipEngine, prompts: string[]): Promise<void> {
    if (!this.modelId) return;
    // A full disk only costs a re-embedding on the next visit: never fail the call for it.
    await this.store.putPrompts(this.modelId, engine.exportPromptEmbeddings(prompts)).catch(() => undefined);
  }

  /** Makes sure the engine holds `key`'s features, loading them from storage if they spilled. */
  private async ensureLoaded(key: string): Promise<boolean> {
    const engine = this.requireEngine();
    if (engine.getEncoded(key)) {
      this.touch(key);
      return true;
    }
    const hash = this.bindings.get(key);
    if (!hash || !this.modelId) return false;
    const stored = await this.store.getFeatures(this.modelId, hash).catch(() => null);
    if (!stored) return false;
    engine.putEncoded(key, stored);
    this.touch(key);
    this.spill();
    return true;
  }

  private touch(key: string): void {
    if (this.unsaved.has(key) || !this.bindings.has(key)) return;
    if (this.requireEngine().referenceKeys().includes(key)) return;
    this.workingSet.delete(key);
    this.workingSet.set(key, true);
  }

  /** Drops the least recently used stored features beyond the working set from memory. */
  private spill(): void {
    const engine = this.requireEngine();
    while (this.workingSet.size > FEATURE_WORKING_SET) {
      const oldest = this.workingSet.keys().next().value as string;
      this.workingSet.delete(oldest);
      this.results.delete(oldest);
      engine.forget(oldest);
    }
  }

  /** Stored features of `hash`, or the engine encodes them (and they are stored). */
  private async featuresFor(
    key: string,
    hash: string,
    encode: () => Promise<void>,
  ): Promise<Omit<StoredInfo, 'contentHash'>> {
    const engine = this.requireEngine();
    this.bindings.set(key, hash);
    const stored = this.modelId ? await this.store.getFeatures(this.modelId, hash).catch(() => null) : null;
    if (stored) {
      engine.putEncoded(key, stored);
      this.unsaved.delete(key);
      return { fromStore: true, featureBytes: encodedBytes(stored), saveError: null };
    }
    await encode();
    const encoded = engine.getEncoded(key)!;
    if (!this.modelId) return { fromStore: false, featureBytes: 0, saveError: 'no model identity' };
    try {
      const featureBytes = await this.store.putFeatures(this.modelId, hash, encoded);
      this.unsaved.delete(key);
      return { fromStore: false, featureBytes, saveError: null };
    } catch (err) {
      this.unsaved.add(key);
      const full = err instanceof DOMException && err.name === 'QuotaExceededError';
      return {
        fromStore: false,
        featureBytes: 0,
        saveError: full ? 'storage is full' : errorText(err),
      };
    }
  }

  async inspectStored(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<InspectResult & StoredInfo> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.guard(requestId, `inspecting ${name}`, async (check) => {
      const hash = await contentHash(await image.arrayBuffer());
      const { rgb, bitmap } = await decodeWholeImage(image, name);
      const thumb = await thumbnailOf(bitmap, thumbSide);
      bitmap.close();
      check();
      return this.inspectEncoded(check, key, hash, thumb, options, async () => {
        await this.encodeWithFirstScore(engine, key, rgb);
      });
    });
  }

  preprocessConfig(): PreprocessConfig | null {
    return this.engine?.preprocessConfig() ?? null;
  }

  async inspectPrepared(
    requestId: string,
    key: string,
    image: Blob,
    prepared: PreparedImage,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<InspectResult & StoredInfo> {
    const engine = this.requireEngine();
    if (!samePreprocess(prepared.config, engine.preprocessConfig())) {
      // Prepared for another model: its tensors are the wrong ones; decode here as usual.
      prepared.thumb.close();
      return this.inspectStored(requestId, key, image, thumbSide, options);
    }
    return this.guard(requestId, `inspecting ${nameOf(image, key)}`, async (check) => {
      try {
        return await this.inspectEncoded(
          check,
          key,
          prepared.contentHash,
          prepared.thumb,
          options,
          async () => {
            await engine.encodePrepared(key, prepared, this.firstScoreHooks(key));
          },
        );
      } catch (err) {
        prepared.thumb.close();
        throw err;
      }
    });
  }

  /** Features of `key` (stored, or `encode` runs), then its summary with the thumbnail. */
  private async inspectEncoded(
    check: () => void,
    key: string,
    hash: string,
    thumb: ImageBitmap,
    options: ScoreOptions | undefined,
    encode: () => Promise<void>,
  ): Promise<InspectResult & StoredInfo> {
    const engine = this.requireEngine();
    const t0 = performance.now();
    const info = await this.featuresFor(key, hash, encode);
    const encodeMs = performance.now() - t0;
    check();
    this.touch(key);
    this.spill();
    const tiles = engine.getEncoded(key)!.tiles.length;
    const summary = await this.summarize(key, options);
    const out: InspectResult & StoredInfo = {
      ...summary,
      thumb,
      encodeMs,
      tiles,
      contentHash: hash,
      ...info,
    };
    return Comlink.transfer(out, [thumb, summary.thumbMap.data.buffer]);
  }

  async addReferenceStored(
    requestId: string,
    key: string,
    image: Blob,
  ): Promise<ReferenceAdded & StoredInfo> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.guard(requestId, `adding reference ${name}`, async (check) => {
      const hash = await contentHash(await image.arrayBuffer());
      check();
      const info = await this.featuresFor(key, hash, async () => {
        const { rgb, bitmap } = await decodeWholeImage(image, name);
        bitmap.close();
        check();
        await engine.encode(key, rgb);
      });
      this.workingSet.delete(key);
      engine.addReferenceEncoded(key);
      this.results.clear();
      const enc = engine.getEncoded(key)!;
      return {
        key,
        width: enc.width,
        height: enc.height,
        tiles: enc.tiles.length,
        contentHash: hash,
        ...info,
      };
    });
  }

  bindStored(entries: StoredBinding[]): void {
    for (const e of entries) this.bindings.set(e.key, e.contentHash);
  }

  async deleteStoredFeatures(hashes: string[]): Promise<void> {
    await this.store.deleteFeatures(hashes);
  }

  async clearStoredFeatures(): Promise<void> {
    await this.store.clearAll();
  }

  featureMemory(): FeatureMemory {
    const engine = this.engine;
    let inMemory = 0;
    let unsaved = 0;
    let bytes = 0;
    if (engine) {
      const refs = new Set(engine.referenceKeys());
      for (const key of new Set([...this.bindings.keys(), ...refs])) {
        const enc = engine.getEncoded(key);
        if (!enc) continue;
        bytes += encodedBytes(enc);
        if (refs.has(key)) continue;
        inMemory++;
        if (this.unsaved.has(key)) unsaved++;
      }
    }
    return { inMemory, unsaved, workingSet: FEATURE_WORKING_SET, bytes };
  }

  stats(): EngineStats {
    return this.engine?.stats() ?? ZERO_STATS;
  }

  simulateCrash(): void {
    self.close();
  }
}
