/**
 * `MuscDevice` on the engine's ORT runtime (Node CPU/WebGPU, browser WASM/WebGPU alike): the lot
 * mode's image sessions (one per input size and block list, opened on first use from the vision
 * weights the engine kept) and the weight-free nearest-distance session, run in bounded blocks.
 */
import { preprocessStretched } from '../core/musc-preprocess';
import type { RgbImage } from '../core/types';
import type { ModelConfig } from '../model/config';
import { blockOutputName, blockTokensProblem, buildBlockTokensGraph } from '../model/graphs/block-tokens';
import { buildNearestDistanceGraph } from '../model/graphs/nearest-distance';
import { resizePositionalEmbedding } from '../model/positional-embedding';
import type { ModelWeights } from '../model/weights';
import type { MuscDevice, MuscTokens, NearestDistances } from './musc-api';
import { DISTANCE_BLOCK_BYTES, DistanceScratch, type FeatureShape, nearestInBlocks } from './nearest-blocks';
import type { GraphSession, OrtRuntime } from './runtime';

/** What the device is built from: the engine's runtime and the vision weights it kept. */
export interface LotSource {
  runtime: OrtRuntime;
  weights: ModelWeights;
}

export interface MuscDeviceOptions {
  /** Runs one session job at a time on the device (the engine's queue); default: at once. */
  schedule?: <T>(job: () => Promise<T>) => Promise<T>;
  /** Bound in bytes on one nearest-distance run's packed input and distance matrix (default DISTANCE_BLOCK_BYTES). */
  blockBytes?: number;
  /**
   * Other images per nearest-distance run at most. Default: as many as the bound allows. On a GPU
   * each run is an upload and a dispatch; on CPU and WASM one wide product per feature set keeps the
   * cores busier than one image's small ones, which outweighs the packing copy (measured ~20 % less
   * CPU time per pair for ViT-B-16-plus-240 at 5 images a run).
   */
  imagesPerRun?: number;
}

export class OrtMuscDevice implements MuscDevice {
  private readonly imageSessions = new Map<string, Promise<GraphSession>>();
  private distanceSession: Promise<GraphSession> | null = null;
  private scratch = new DistanceScratch();
  private readonly schedule: <T>(job: () => Promise<T>) => Promise<T>;
  readonly blockBytes: number;
  readonly imagesPerRun: number;
  /** Session runs so far, per kind (tests and benchmarks read them). */
  readonly counters = { imageRuns: 0, distanceRuns: 0, imageSessionsOpened: 0 };

  constructor(
    private readonly config: ModelConfig,
    private readonly runtime: OrtRuntime,
    private readonly weights: ModelWeights,
    options: MuscDeviceOptions = {},
  ) {
    this.schedule = options.schedule ?? ((job) => job());
    this.blockBytes = options.blockBytes ?? DISTANCE_BLOCK_BYTES;
    this.imagesPerRun = options.imagesPerRun ?? Number.POSITIVE_INFINITY;
    if (!(this.blockBytes > 0)) throw new Error(`blockBytes must be positive, got ${this.blockBytes}`);
    if (!(this.imagesPerRun >= 1)) throw new Error(`imagesPerRun must be ≥ 1, got ${this.imagesPerRun}`);
  }

  /** The pre-processed input [3, S, S] of one image (METHOD-musc.md §1). */
  preprocess(image: RgbImage, size: number): Float32Array {
    const { mean, std } = this.config.preprocess;
    return preprocessStretched(image, { size, mean, std });
  }

  async encodeTokens(image: RgbImage, size: number, layers: number[]): Promise<MuscTokens> {
    return this.encodePixels(this.preprocess(image, size), size, layers);
  }

  /** The image pass on pixels already pre-processed at side `size`. */
  async encodePixels(pixels: Float32Array, size: number, layers: number[]): Promise<MuscTokens> {
    const v = this.config.vision;
    const problem = blockTokensProblem(this.config, size, layers);
    if (problem) throw new Error(problem);
    if (pixels.length !== 3 * size * size)
      throw new Error(`lot image pass: expected ${3 * size * size} pixel values, got ${pixels.length}`);
    const session = await this.imageSession(size, layers);
    const fetch = [...layers.map(blockOutputName), 'embedding'];
    const out = await this.schedule(async () => {
      const r = await session.run(
        { pixels: { type: 'float32', data: pixels, dims: [1, 3, size, size] } },
        fetch,
      );
      this.counters.imageRuns++;
      return r;
    });
    const width = v.width;
    const grid = size / v.patchSize;
    // Token 0 is the class token; the lot uses the patch rows only. A view, not a copy: fresh multi-MiB
    // buffers cost more than the copy itself here (pages faulted in, then collected).
    const patchTokens = layers.map((l) => out[blockOutputName(l)].data.subarray(width));
    return { size, grid, width, layers: [...layers], patchTokens, classToken: unit(out.embedding.data) };
  }

  async nearestDistances(
    query: Float32Array,
    others: Float32Array[],
    shape: FeatureShape,
  ): Promise<NearestDistances> {
    if (others.length === 0) return { queryToOther: [], otherToQuery: [] };
    this.distanceSession ??= this.runtime.createSession(buildNearestDistanceGraph());
    const session = await this.distanceSession;
    const limits = { bound: this.blockBytes, maxImages: this.imagesPerRun };
    return nearestInBlocks(
      session,
      query,
      others,
      shape,
      limits,
      (job) =>
        this.schedule(() => {
          this.counters.distanceRuns++;
          return job();
        }),
      this.scratch,
    );
  }

  private imageSession(size: number, layers: readonly number[]): Promise<GraphSession> {
    const key = `${size}:${layers.join(',')}`;
    let s = this.imageSessions.get(key);
    if (!s) {
      s = this.openImageSession(size, layers);
      // A failed creation is not cached: the next call tries again (e.g. after memory was freed).
      s.catch(() => this.imageSessions.delete(key));
      this.imageSessions.set(key, s);
    }
    return s;
  }

  private async openImageSession(size: number, layers: readonly number[]): Promise<GraphSession> {
    const v = this.config.vision;
    const g = size / v.patchSize;
    const positional =
      size === v.imageSize
        ? undefined
        : resizePositionalEmbedding(this.weights.read('visual.positional_embedding'), v.width, v.grid, g);
    const session = await this.runtime.createSession(
      buildBlockTokensGraph(this.config, this.weights, { size, layers, positional }),
    );
    this.counters.imageSessionsOpened++;
    return session;
  }

  async dispose(): Promise<void> {
    const sessions = [...this.imageSessions.values()];
    if (this.distanceSession) sessions.push(this.distanceSession);
    this.imageSessions.clear();
    this.distanceSession = null;
    this.scratch = new DistanceScratch();
    for (const s of sessions) await (await s.catch(() => null))?.release();
  }
}

/** x / ‖x‖₂ in float32 (musc.py:175). */
function unit(x: Float32Array): Float32Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const n = Math.fround(Math.sqrt(ss));
  return x.map((v) => v / n);
}
