/**
 * The evaluation loop behind `winclip eval`: per category, encode (or load) every test image and every
 * reference that any run needs, then for each shot count and seed load that reference bank, score all
 * test images, and compute image metrics (exact) and pixel metrics (streamed into a bounded accumulator).
 */
import { join } from 'node:path';
import type { MethodSettings } from '../core/method-settings';
import { imageMetrics, type MaskRegions, PixelMetricsAccumulator } from '../core/metrics';
import { bilinearResize } from '../core/resize';
import type { ScoreOptions } from '../core/score-options';
import type { ImageResult, PromptSet } from '../core/types';
import type { EncodedImage, ModelInfo } from '../engine/api';
import { type AblationName, ablation, oneClassScore } from './ablations';
import { CategoryFeatures, DEFAULT_FEATURE_MEMORY, type Encoder } from './category-features';
import { selectCategories } from './datasets';
import type { DatasetReader } from './datasets/types';
import type { FeatureDiskCache } from './feature-cache';
import { evalSize, loadTruth } from './masks';
import { objectNameFor } from './object-names';
import { ProgressBar, type ProgressStream } from './progress';
import {
  aggregateRuns,
  type EvalOutput,
  meanOverCategories,
  newEvalOutput,
  type RunRecord,
  type ShotResult,
} from './results';
import { planRuns, type RefsFile, type ShotRun } from './sampling';

/** The engine surface the evaluator uses (WinclipEngine provides it). */
export interface EvalEngine extends Encoder {
  info(): ModelInfo;
  /** The method settings the engine encodes and scores with (ablations start from them). */
  readonly settings: Readonly<MethodSettings>;
  setPrompts(prompts: PromptSet): Promise<unknown>;
  putEncoded(key: string, enc: EncodedImage): void;
  addReferenceEncoded(key: string): void;
  clearReferences(): void;
  /** Few-shot association on the inference device; no per-image cache key, so nothing is retained. */
  scoreEncoded(enc: EncodedImage, options?: ScoreOptions): Promise<ImageResult>;
  prototypes(): { normal: Float32Array; anomalous: Float32Array };
}

export interface EvalSettings {
  reader: DatasetReader;
  /** Written to the JSON as "model". */
  modelLabel: string;
  /** Default: every category of the dataset. */
  categories?: string[];
  shots: number[];
  seeds: number;
  objectNames?: Record<string, string>;
  refs?: RefsFile;
  ablation?: AblationName;
  /** Shorter edge of the pixel-metric resolution; default: the masks' own resolution. */
  pixelSize?: number;
  cache?: FeatureDiskCache | null;
  exactPixelLimit?: number;
  featureMemoryBytes?: number;
  /** Progress bars (stderr). */
  progress?: ProgressStream;
}

/** Brings a full-resolution map to the evaluation size (bilinear, align_corners = false). */
function mapAt(r: ImageResult, width: number, height: number): Float32Array {
  if (r.width === width && r.height === height) return r.anomalyMap;
  return bilinearResize(r.anomalyMap, r.width, r.height, width, height);
}

export async function runEvaluation(engine: EvalEngine, s: EvalSettings): Promise<EvalOutput> {
  const t0 = performance.now();
  const abl = ablation(s.ablation ?? 'full', engine.settings.windowScales);
  if (!abl.fewShot && s.shots.some((k) => k > 0)) {
    throw new Error(`ablation '${abl.name}' is zero-shot only: use --shots 0`);
  }
  const categories = await selectCategories(s.reader, s.categories);
  const stream = s.progress ?? { write: () => true };
  const out = newEvalOutput({
    dataset: s.reader.kind,
    model: s.modelLabel,
    ablation: abl.name,
    pixel_size: s.pixelSize ?? null,
  });

  for (const [index, category] of categories.entries()) {
    const tag = `[${index + 1}/${categories.length}] ${category}`;
    const data = await s.reader.read(category);
    const objectName = objectNameFor(s.reader.kind, category, s.objectNames);
    out.object_names[category] = objectName;
    await engine.setPrompts(abl.prompts(objectName));

    const plans = new Map<number, ShotRun[]>();
    for (const k of s.shots) plans.set(k, planRuns(category, k, s.seeds, data.train, s.refs));
    const refFiles = [...new Set([...plans.values()].flatMap((runs) => runs.flatMap((r) => r.refs)))].sort();

    // Encoding phase: every test image and every reference any run uses, each once.
    const features = new CategoryFeatures(
      engine,
      s.cache ?? null,
      s.featureMemoryBytes ?? DEFAULT_FEATURE_MEMORY,
    );
    const truths = new Map<string, MaskRegions>();
    const encodeBar = new ProgressBar(stream, `${tag}: features`, data.test.length + refFiles.length);
    for (const t of data.test) {
      await features.prepare(t.file, t.path);
      if (abl.pixel && t.maskPath) truths.set(t.file, await loadTruth(t.maskPath, s.pixelSize));
      encodeBar.tick();
    }
    for (const f of refFiles) {
      await features.prepare(f, join(data.dir, f));
      encodeBar.tick();
    }
    encodeBar.finish(`${features.encoded} encoded, ${features.fromCache} from cache`);
    out.stats.images_encoded += features.encoded;
    out.stats.features_from_cache += features.fromCache;

    // Scoring phase.
    const totalRuns = [...plans.values()].reduce((n, r) => n + r.length, 0);
    const scoreBar = new ProgressBar(stream, `${tag}: scoring`, totalRuns * data.test.length);
    const labels = data.test.map((t) => t.label);
    const byShots: Record<string, ShotResult> = {};
    for (const [k, runs] of plans) {
      const records: RunRecord[] = [];
      for (const run of runs) {
        engine.clearReferences();
        const refKeys = run.refs.map((f) => `eval-ref:${category}/${f}`);
        for (const [i, f] of run.refs.entries()) {
          engine.putEncoded(refKeys[i], await features.get(f));
          engine.addReferenceEncoded(refKeys[i]);
        }
        const acc = abl.pixel ? new PixelMetricsAccumulator({ exactPixelLimit: s.exactPixelLimit }) : null;
        const normal = abl.imageScore === 'one-class' ? engine.prototypes().normal : null;
        const scores: RunRecord['scores'] = [];
        for (const t of data.test) {
          const enc = await features.get(t.file);
          let imageScore: number;
          if (normal) {
            imageScore = oneClassScore(
              enc.tiles.map((tile) => tile.imageEmbedding),
              normal,
            );
          } else {
            const r = await engine.scoreEncoded(enc, abl.options);
            imageScore = r.imageScore;
            if (acc) {
              const truth = truths.get(t.file) ?? null;
              const size = truth ?? evalSize(r.width, r.height, s.pixelSize);
              acc.add(mapAt(r, size.width, size.height), size.width, size.height, truth);
            }
          }
          scores.push({ file: t.file, label: t.label, image_score: imageScore });
          scoreBar.tick();
        }
        const pixel = acc?.result();
        records.push({
          seed: run.seed,
          refs: run.refs,
          scores,
          image: imageMetrics(
            scores.map((x) => x.image_score),
            labels,
          ),
          pixel: pixel ? { auroc: pixel.auroc, pro: pixel.pro, f1_max: pixel.f1_max } : null,
          ...(pixel && {
            pixel_eval: {
              pixels: pixel.pixels,
              exact: pixel.exact,
              auroc_error_bound: pixel.aurocErrorBound,
            },
          }),
        });
        engine.clearReferences();
        for (const key of refKeys) engine.forget(key);
      }
      byShots[String(k)] = aggregateRuns(records);
    }
    scoreBar.finish(`${totalRuns} run${totalRuns === 1 ? '' : 's'}`);
    features.clear();
    out.categories[category] = byShots;
  }
  out.summary = meanOverCategories(out.categories, s.shots);
  out.stats.seconds = (performance.now() - t0) / 1000;
  return out;
}
