/**
 * The worker side of the engine: the call table the UI reaches over comlink (contract:
 * workers/protocol.ts). It owns one WinclipEngine and composes the modules that do the work:
 * supervision (runtime, device loss, OOM fallback, `guard` for every cancellable call), residency
 * (features in memory, the rest in the feature store), decoding, and map queries.
 */
import * as Comlink from 'comlink';
import { type PixelRect, roiKey } from '../src/core/inspection-region';
import { browserLotBudget } from '../src/core/musc/lot-memory';
import { type PreprocessConfig, samePreprocess } from '../src/core/preprocess';
import type { ScoreOptions } from '../src/core/score-options';
import type { StateGroups } from '../src/core/state-words';
import type { ImageResult, PromptSet } from '../src/core/types';
import { type EngineStats, ZERO_STATS } from '../src/engine/api';
import { leaveOneOut } from '../src/engine/calibration';
import type { WinclipEngine } from '../src/engine/engine';
import { createWebRuntime, webGpuDevice } from '../src/engine/runtime-web';
import { warmedUp } from '../src/engine/warm-up';
import { contentHash } from '../src/io/model-identity';
import type { ModelFiles } from '../src/model/file-names';
import { decodeImage, decodeWithThumbnail, nameOf } from './decode';
import { FeatureDatabase } from './feature-store';
import { IdbFeatureStore } from './feature-store-idb';
import { firstScoreHooks } from './first-score-hooks';
import { LotHost } from './lot-host';
import type * as L from './lot-protocol';
import * as maps from './map-queries';
import { createWorkerEngine, openModel } from './open-model';
import type * as P from './protocol';
import { overlayPng } from './render-bitmaps';
import { FeatureResidency } from './residency';
import { ResultCache } from './result-cache';
import { restorePrompts, savePrompts } from './stored-prompts';
import { RuntimeSupervisor } from './supervision';

/** Full-resolution results kept for the detail view and overlay export. */
const RESULT_CACHE_SIZE = 3;

export class EngineHost implements P.EngineWorkerApi {
  private engine: WinclipEngine | null = null;
  private listener: P.ProgressListener | null = null;
  private firstScoreListener: P.FirstScoreListener | null = null;
  private readonly supervisor = new RuntimeSupervisor({
    createRuntime: createWebRuntime,
    gpuDevice: webGpuDevice,
    createEngine: createWorkerEngine,
    report: (p) => this.report(p),
    // Its backend starts now, not awaited: the page reads the model meanwhile.
    warm: warmedUp,
  });
  /** Full results by key; cleared when prompts or references change. */
  private readonly results = new ResultCache(RESULT_CACHE_SIZE);
  private readonly db = new FeatureDatabase();
  private readonly residency = new FeatureResidency((key) => this.results.delete(key));
  private readonly explainer = new maps.RegionExplainer();
  private modelId: string | null = null;
  private readonly lot = new LotHost({
    engine: () => this.requireEngine(),
    modelId: () => this.modelId,
    db: this.db,
    guard: (id, what, body) => this.supervisor.guard(id, what, body),
    // navigator.deviceMemory (GiB, Chromium only) sizes the budget; unknown elsewhere.
    budgetBytes: browserLotBudget(
      (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory,
    ),
  });

  ping(): string {
    return 'pong';
  }

  setProgressListener(listener: P.ProgressListener | null): void {
    this.listener = listener;
  }

  setFirstScoreListener(listener: P.FirstScoreListener | null): void {
    this.firstScoreListener = listener;
  }

  setFaultListener(listener: P.FaultListener | null): void {
    this.supervisor.setFaultListener(listener);
  }

  private report(p: P.StageProgress): void {
    // Fire and forget: a slow UI thread must never stall the engine.
    void Promise.resolve(this.listener?.(p)).catch(() => undefined);
  }

  cancel(requestId: string): void {
    this.supervisor.cancel(requestId);
  }

  private requireEngine(): WinclipEngine {
    if (!this.engine) throw new Error('No model is loaded');
    return this.engine;
  }

  async start(opts: P.StartOptions): Promise<P.BackendReport> {
    this.db.prepare();
    return this.supervisor.start(opts);
  }

  async loadModel(requestId: string, files: ModelFiles): Promise<P.LoadedModel> {
    if (!this.supervisor.runtime) throw new Error('The runtime is not started');
    // The previous model's sessions hold its weights in onnxruntime's heap (or GPU buffers): free them
    // before the new ones are built, or every switch grows memory by about twice the weights.
    await this.releaseEngine();
    this.modelId = null;
    this.explainer.reset();
    this.report({ kind: 'stage', stage: 'model' });
    const t0 = performance.now();
    return this.supervisor.guard(requestId, 'loading the model', async (check) => {
      const { engine, modelId, weightsFingerprint } = await openModel(files, (opened) =>
        this.supervisor.createEngine(opened),
      );
      const runtime = this.supervisor.runtime!;
      if (this.engine) await this.releaseEngine();
      try {
        check();
      } catch (err) {
        await engine.dispose().catch(() => undefined);
        throw err;
      }
      this.modelId = modelId;
      this.residency.attach(engine, new IdbFeatureStore(this.db, modelId));
      this.engine = engine;
      void this.supervisor.watchDevice();
      return {
        info: engine.info(),
        backend: runtime.backend,
        reason: runtime.reason,
        ms: performance.now() - t0,
        weightsFingerprint,
        modelId,
      };
    });
  }

  /** Releases the engine's sessions (their weights and buffers) and forgets every result. */
  private async releaseEngine(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.results.clear();
    this.lot.reset();
    if (engine) await engine.dispose().catch(() => undefined);
  }

  async unloadModel(): Promise<void> {
    await this.releaseEngine();
  }

  debugLoseGpuDevice(): Promise<boolean> {
    return this.supervisor.loseGpuDevice();
  }

  debugFailNextGpuSession(message: string): void {
    this.supervisor.failNextGpuSession(message);
  }

  async setPrompts(requestId: string, prompts: PromptSet): Promise<{ embedded: number; ms: number }> {
    const engine = this.requireEngine();
    return this.supervisor.guard(requestId, 'embedding prompts', async () => {
      this.report({ kind: 'stage', stage: 'prompts' });
      const all = [...new Set([...prompts.normal, ...prompts.anomalous])];
      const missing = await restorePrompts(this.db, this.modelId, engine, all);
      const out = await engine.setPrompts(prompts);
      if (out.embedded > 0) await savePrompts(this.db, this.modelId, engine, missing);
      this.results.clear();
      return out;
    });
  }

  private optionsOf = (k: string) => this.lot.optionsOf(k) ?? this.results.optionsOf(k);
  /** The full-resolution result of `key` (cached, or scored again, its features reloaded if need be). */
  private async resultFor(key: string): Promise<ImageResult> {
    const cached = this.lot.result(key) ?? this.results.get(key);
    if (cached) return cached;
    const engine = this.requireEngine();
    if (!(await this.residency.ensureLoaded(key))) throw new Error('This image is not encoded yet');
    const result = await engine.score(key, this.results.optionsOf(key));
    this.results.put(key, result);
    return result;
  }

  /**
   * Score and a thumbnail-sized map (src/engine's full-resolution map is computed on demand by the
   * detail view and exports). The options are kept so that map is computed the same way.
   */
  private async summarize(key: string, options: ScoreOptions = {}): Promise<P.ScoreSummary> {
    const summary = await maps.scoreSummary(this.requireEngine(), key, options);
    this.results.scored(key, options);
    return summary;
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

  async rescore(requestId: string, keys: string[], options?: ScoreOptions): Promise<P.RescoreResult> {
    this.requireEngine();
    const t0 = performance.now();
    return this.supervisor.guard(requestId, 're-scoring', async (check) => {
      const results: P.ScoreSummary[] = [];
      for (let i = 0; i < keys.length; i++) {
        check();
        if (!(await this.residency.ensureLoaded(keys[i]))) continue;
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

  async renderDetail(requestId: string, key: string, opts: P.DetailRenderOptions): Promise<P.DetailRender> {
    return this.supervisor.guard(requestId, 'rendering the heatmap', async (check) =>
      maps.detailRender(await this.resultFor(key), opts, check, this.optionsOf(key)),
    );
  }

  async renderOverlayPng(requestId: string, key: string, image: Blob, opts: P.OverlayOptions): Promise<Blob> {
    return this.supervisor.guard(requestId, 'exporting the overlay', async (check) => {
      const result = await this.resultFor(key);
      check();
      return overlayPng(result, image, nameOf(image, key), opts, this.optionsOf(key)?.setup?.ignore);
    });
  }

  async leaveOneOut(
    requestId: string,
    refKeys: string[],
    onReference: P.LooProgressListener | null,
    options?: ScoreOptions,
  ): Promise<P.LooScore[]> {
    const engine = this.requireEngine();
    return this.supervisor.guard(requestId, 'calibrating', async (check) => {
      const refs = await leaveOneOut(engine, refKeys, {
        ...options,
        beforeEach: check,
        onReference: (r, done) =>
          void Promise.resolve(onReference?.(maps.looScore(r), done)).catch(() => undefined),
      });
      return refs.map(maps.looScore);
    });
  }

  async explain(
    requestId: string,
    key: string,
    pixelThreshold: number,
    groups: StateGroups,
  ): Promise<P.ExplainResult> {
    const engine = this.requireEngine();
    return this.supervisor.guard(requestId, 'explaining the regions', async (check) => {
      const result = await this.resultFor(key);
      check();
      const options = this.optionsOf(key);
      return this.explainer.explain(engine, key, result, pixelThreshold, groups, check, options);
    });
  }

  async mapReport(requestId: string, key: string, pixelThreshold: number): Promise<P.MapReport> {
    return this.supervisor.guard(requestId, 'measuring the map', async () =>
      maps.mapReport(await this.resultFor(key), pixelThreshold, this.optionsOf(key)),
    );
  }

  async rawMap(requestId: string, key: string): Promise<P.RawMap> {
    return this.supervisor.guard(requestId, 'exporting the map', async () =>
      maps.rawMap(await this.resultFor(key)),
    );
  }

  forget(key: string): void {
    this.results.forget(key);
    this.engine?.forget(key);
    this.residency.forget(key);
  }

  modelIdentity(): string | null {
    return this.modelId;
  }

  async inspectStored(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<P.InspectResult & P.StoredInfo> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.supervisor.guard(requestId, `inspecting ${name}`, async (check) => {
      const hash = await contentHash(await image.arrayBuffer());
      const { rgb, thumb } = await decodeWithThumbnail(image, name, thumbSide);
      check();
      const out = await this.inspectEncoded(check, key, hash, thumb, options, async () => {
        await engine.encode(key, rgb, {
          ...firstScoreHooks(key, this.firstScoreListener),
          roi: options?.setup?.roi,
        });
      });
      // With an ROI the summary's size is the crop's: the frame's goes along for the views to draw on.
      if (options?.setup?.roi) out.frame = { width: rgb.width, height: rgb.height };
      return out;
    });
  }

  preprocessConfig(): PreprocessConfig | null {
    return this.engine?.preprocessConfig() ?? null;
  }

  async inspectPrepared(
    requestId: string,
    key: string,
    image: Blob,
    prepared: P.PreparedImage,
    thumbSide: number,
    options?: ScoreOptions,
  ): Promise<P.InspectResult & P.StoredInfo> {
    const engine = this.requireEngine();
    if (!samePreprocess(prepared.config, engine.preprocessConfig()) || options?.setup?.roi) {
      // Prepared for another model, or from the whole image when an ROI crops it: decode here as usual.
      prepared.thumb.close();
      return this.inspectStored(requestId, key, image, thumbSide, options);
    }
    return this.supervisor.guard(requestId, `inspecting ${nameOf(image, key)}`, async (check) => {
      try {
        return await this.inspectEncoded(
          check,
          key,
          prepared.contentHash,
          prepared.thumb,
          options,
          async () => {
            await engine.encodePrepared(key, prepared, firstScoreHooks(key, this.firstScoreListener));
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
  ): Promise<P.InspectResult & P.StoredInfo> {
    const engine = this.requireEngine();
    const t0 = performance.now();
    // Features of a crop are stored apart from the whole image's (see P.EngineWorkerApi.bindStored).
    const info = await this.residency.featuresFor(key, roiKey(hash, options?.setup?.roi), encode);
    const encodeMs = performance.now() - t0;
    check();
    this.residency.markUsed(key);
    const tiles = engine.getEncoded(key)!.tiles.length;
    const summary = await this.summarize(key, options);
    const out: P.InspectResult & P.StoredInfo = {
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
    roi?: PixelRect,
  ): Promise<P.ReferenceAdded & P.StoredInfo> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    return this.supervisor.guard(requestId, `adding reference ${name}`, async (check) => {
      const hash = await contentHash(await image.arrayBuffer());
      check();
      const info = await this.residency.featuresFor(key, roiKey(hash, roi), async () => {
        const rgb = await decodeImage(image, name);
        check();
        await engine.encode(key, rgb, { roi });
      });
      this.residency.pin(key);
      engine.addReferenceEncoded(key);
      this.results.clear();
      const { width, height, tiles } = engine.getEncoded(key)!;
      return { key, width, height, tiles: tiles.length, contentHash: hash, ...info };
    });
  }

  bindStored(entries: P.StoredBinding[]): void {
    for (const e of entries) this.residency.bind(e.key, e.contentHash);
  }

  deleteStoredFeatures(hashes: string[]): Promise<void> {
    return this.db.deleteFeatures(hashes);
  }

  clearStoredFeatures(): Promise<void> {
    return this.db.clearAll();
  }

  featureMemory(): P.FeatureMemory {
    return this.residency.memory();
  }

  stats(): EngineStats {
    return this.engine?.stats() ?? ZERO_STATS;
  }

  lotAdd(id: string, key: string, image: Blob, side: number, opts?: L.LotOptions): Promise<L.LotAdded> {
    return this.lot.add(id, key, image, side, opts).then((r) => Comlink.transfer(r, [r.thumb]));
  }

  lotScores = (id: string, o?: L.LotOptions): Promise<L.LotSummary> => this.lot.scores(id, o);
  lotRemove = (keys: string[]): number => this.lot.remove(keys);
  lotClear = (): void => this.lot.clear();
  lotStats = (): L.LotStats => this.lot.stats();

  simulateCrash(): void {
    self.close();
  }
}
