/**
 * The worker side of the engine: owns the onnxruntime-web runtime and one WinclipEngine, decodes images,
 * and renders heatmaps, so the UI thread only handles small summaries and ImageBitmaps.
 */
import * as Comlink from 'comlink';
import { colorizeMap, colormapLut } from '../src/app/render/colormap';
import { mapRange, thresholdRegions } from '../src/core/map-regions';
import type { ImageResult, PromptSet } from '../src/core/types';
import type { EngineStats } from '../src/engine/api';
import { WinclipEngine } from '../src/engine/engine';
import { createWebRuntime } from '../src/engine/runtime-web';
import { decodeImageBlob, decodeToBitmap, thumbnailOf } from '../src/io/decode-browser';
import type { ModelFiles } from '../src/model/file-names';
import { abortError, classifyEngineError } from './errors';
import type {
  BackendReport,
  DetailRender,
  DetailRenderOptions,
  EngineWorkerApi,
  InspectResult,
  LoadedModel,
  OverlayOptions,
  ProgressListener,
  ReferenceAdded,
  RescoreResult,
  ScoreSummary,
  StartOptions,
  WorkerProgress,
} from './protocol';

type WebRuntime = Awaited<ReturnType<typeof createWebRuntime>>;

/** Side of the small maps sent with every score (gallery thumbnails). */
const THUMB_MAP_SIDE = 160;
/** Full-resolution results kept for the detail view and overlay export. */
const RESULT_CACHE_SIZE = 3;
/** Outline colour: cyan contrasts with both the warm end of the colormaps and most product photos. */
const OUTLINE_RGBA = [0, 229, 255, 255];

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
  private readonly cancelled = new Set<string>();
  /** Full results by key, most recent last; cleared when prompts or references change. */
  private readonly results = new Map<string, ImageResult>();

  ping(): string {
    return 'pong';
  }

  setProgressListener(listener: ProgressListener | null): void {
    this.listener = listener;
  }

  private report(p: WorkerProgress): void {
    // Fire and forget: a slow UI thread must never stall the engine.
    void Promise.resolve(this.listener?.(p)).catch(() => undefined);
  }

  private check(requestId: string): void {
    if (this.cancelled.has(requestId)) {
      this.cancelled.delete(requestId);
      throw abortError();
    }
  }

  private finish(requestId: string): void {
    this.cancelled.delete(requestId);
  }

  cancel(requestId: string): void {
    this.cancelled.add(requestId);
  }

  private requireEngine(): WinclipEngine {
    if (!this.engine) throw new Error('No model is loaded');
    return this.engine;
  }

  async start(opts: StartOptions): Promise<BackendReport> {
    if (!this.runtime) {
      this.report({ stage: 'runtime', message: `Starting onnxruntime-web (${opts.backend})` });
      try {
        this.runtime = await createWebRuntime({ backend: opts.backend, wasmPaths: opts.wasmPaths });
      } catch (err) {
        throw classifyEngineError(err, `starting the ${opts.backend} backend`);
      }
    }
    return { backend: this.runtime.backend, reason: this.runtime.reason };
  }

  async loadModel(files: ModelFiles, requestId: string): Promise<LoadedModel> {
    if (!this.runtime) throw new Error('The runtime is not started');
    this.engine = null;
    this.results.clear();
    this.report({ stage: 'model', message: 'Building the image and text encoders' });
    const t0 = performance.now();
    try {
      const engine = await WinclipEngine.create(files, this.runtime);
      this.check(requestId);
      this.engine = engine;
      return {
        info: engine.info(),
        backend: this.runtime.backend,
        reason: this.runtime.reason,
        ms: performance.now() - t0,
      };
    } catch (err) {
      throw classifyEngineError(err, 'loading the model');
    } finally {
      this.finish(requestId);
    }
  }

  async unloadModel(): Promise<void> {
    this.engine = null;
    this.results.clear();
  }

  async setPrompts(prompts: PromptSet, requestId: string): Promise<{ embedded: number; ms: number }> {
    const engine = this.requireEngine();
    try {
      this.check(requestId);
      this.report({ stage: 'prompts', message: 'Embedding prompts' });
      const out = await engine.setPrompts(prompts);
      this.results.clear();
      return out;
    } catch (err) {
      throw classifyEngineError(err, 'embedding prompts');
    } finally {
      this.finish(requestId);
    }
  }

  private remember(key: string, result: ImageResult): void {
    this.results.delete(key);
    this.results.set(key, result);
    while (this.results.size > RESULT_CACHE_SIZE) {
      const oldest = this.results.keys().next().value as string;
      this.results.delete(oldest);
    }
  }

  private async resultFor(key: string): Promise<ImageResult> {
    const cached = this.results.get(key);
    if (cached) return cached;
    const engine = this.requireEngine();
    if (!engine.getEncoded(key)) throw new Error('This image is not encoded yet');
    const result = await engine.score(key);
    this.remember(key, result);
    return result;
  }

  /**
   * Score and a thumbnail-sized map. The map is computed at preview resolution (not the photo's), so
   * re-scoring a gallery of 12-MP photos after a prompt edit stays fast; the detail view and exports
   * compute the full-resolution map on demand. Few-shot association runs on the inference device.
   */
  private async summarize(key: string): Promise<ScoreSummary> {
    const engine = this.requireEngine();
    const encoded = engine.getEncoded(key);
    if (!encoded) throw new Error('This image is not encoded yet');
    const preview = await engine.score(key, { maxMapSide: THUMB_MAP_SIDE });
    this.results.delete(key);
    const { min, max } = mapRange(preview.anomalyMap);
    return {
      key,
      width: encoded.width,
      height: encoded.height,
      score: preview.imageScore,
      mode: preview.mode,
      mapMin: min,
      mapMax: max,
      thumbMap: { width: preview.width, height: preview.height, data: preview.anomalyMap },
    };
  }

  async inspect(key: string, image: Blob, thumbSide: number, requestId: string): Promise<InspectResult> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    try {
      this.check(requestId);
      const { rgb, bitmap } = await decodeImageBlob(image, name);
      const thumb = await thumbnailOf(bitmap, thumbSide);
      bitmap.close();
      this.check(requestId);
      const t0 = performance.now();
      const encoded = await engine.encode(key, rgb);
      const encodeMs = performance.now() - t0;
      this.check(requestId);
      const summary = await this.summarize(key);
      const out: InspectResult = { ...summary, thumb, encodeMs, tiles: encoded.tiles.length };
      return Comlink.transfer(out, [thumb, summary.thumbMap.data.buffer]);
    } catch (err) {
      throw classifyEngineError(err, `inspecting ${name}`);
    } finally {
      this.finish(requestId);
    }
  }

  async addReference(key: string, image: Blob, requestId: string): Promise<ReferenceAdded> {
    const engine = this.requireEngine();
    const name = nameOf(image, key);
    try {
      this.check(requestId);
      const { rgb, bitmap } = await decodeImageBlob(image, name);
      bitmap.close();
      this.check(requestId);
      await engine.addReference(key, rgb);
      this.results.clear();
      const tiles = engine.getEncoded(key)?.tiles.length ?? 0;
      return { key, width: rgb.width, height: rgb.height, tiles };
    } catch (err) {
      throw classifyEngineError(err, `adding reference ${name}`);
    } finally {
      this.finish(requestId);
    }
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

  async rescore(keys: string[], requestId: string): Promise<RescoreResult> {
    const engine = this.requireEngine();
    const t0 = performance.now();
    const results: ScoreSummary[] = [];
    try {
      for (let i = 0; i < keys.length; i++) {
        this.check(requestId);
        if (!engine.getEncoded(keys[i])) continue;
        results.push(await this.summarize(keys[i]));
        this.report({ stage: 'rescore', message: 'Re-scoring', done: i + 1, total: keys.length });
        // Yield so that a cancel message can be processed between images.
        if (i % 4 === 3) await new Promise((r) => setTimeout(r, 0));
      }
      return Comlink.transfer(
        { results, ms: performance.now() - t0 },
        results.map((r) => r.thumbMap.data.buffer),
      );
    } catch (err) {
      throw classifyEngineError(err, 're-scoring');
    } finally {
      this.finish(requestId);
    }
  }

  private async heatmapBitmap(result: ImageResult, opts: DetailRenderOptions): Promise<ImageBitmap> {
    const rgba = new Uint8ClampedArray(result.width * result.height * 4);
    colorizeMap(result.anomalyMap, colormapLut(opts.colormap), opts.range[0], opts.range[1], rgba);
    return createImageBitmap(new ImageData(rgba, result.width, result.height));
  }

  private async outlineBitmap(result: ImageResult, threshold: number) {
    const { width, height } = result;
    // Thick enough to stay visible when a large photo is shown scaled down to a screen.
    const thickness = Math.max(1, Math.round(Math.max(width, height) / 400));
    const regions = thresholdRegions(result.anomalyMap, width, height, threshold, thickness);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < regions.outline.length; i++) {
      if (!regions.outline[i]) continue;
      rgba.set(OUTLINE_RGBA, i * 4);
    }
    const bitmap = await createImageBitmap(new ImageData(rgba, width, height));
    return { bitmap, regions };
  }

  async renderDetail(key: string, opts: DetailRenderOptions, requestId: string): Promise<DetailRender> {
    try {
      this.check(requestId);
      const result = await this.resultFor(key);
      const heatmap = await this.heatmapBitmap(result, opts);
      this.check(requestId);
      const { bitmap: outline, regions } = await this.outlineBitmap(result, opts.pixelThreshold);
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
    } catch (err) {
      throw classifyEngineError(err, 'rendering the heatmap');
    } finally {
      this.finish(requestId);
    }
  }

  async renderOverlayPng(key: string, image: Blob, opts: OverlayOptions, requestId: string): Promise<Blob> {
    try {
      this.check(requestId);
      const result = await this.resultFor(key);
      const bitmap = await decodeToBitmap(image, nameOf(image, key));
      const canvas = new OffscreenCanvas(result.width, result.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('2D canvas unavailable');
      ctx.drawImage(bitmap, 0, 0, result.width, result.height);
      bitmap.close();
      if (opts.showHeatmap) {
        const heat = await this.heatmapBitmap(result, opts);
        ctx.globalAlpha = opts.opacity;
        ctx.drawImage(heat, 0, 0);
        ctx.globalAlpha = 1;
        heat.close();
      }
      if (opts.showOutline) {
        const { bitmap: outline } = await this.outlineBitmap(result, opts.pixelThreshold);
        ctx.drawImage(outline, 0, 0);
        outline.close();
      }
      this.check(requestId);
      return await canvas.convertToBlob({ type: 'image/png' });
    } catch (err) {
      throw classifyEngineError(err, 'exporting the overlay');
    } finally {
      this.finish(requestId);
    }
  }

  forget(key: string): void {
    this.results.delete(key);
    this.engine?.forget(key);
  }

  stats(): EngineStats {
    return this.engine?.stats() ?? ZERO_STATS;
  }

  simulateCrash(): void {
    self.close();
  }
}
