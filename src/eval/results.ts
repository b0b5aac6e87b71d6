/**
 * The JSON the evaluator writes, and its aggregation. Metrics are fractions in [0, 1]; NaN (undefined,
 * e.g. AUROC without anomalies) serialises as null.
 *
 * Per category and shot count: mean and population standard deviation over the runs (seeds).
 * The summary's "mean" is the mean over categories of the per-category means, its "std" the mean of
 * the per-category standard deviations — the convention of the paper's "Mean" rows (e.g. Table 10,
 * 1-shot WinCLIP+: the per-class stds average to the reported ±2.0).
 */
import type { ImageMetrics, PixelMetrics } from '../core/metrics';
import type { DatasetKind } from './datasets/types';

export interface ScoreRecord {
  file: string;
  label: 0 | 1;
  image_score: number;
}

export interface PixelEvalInfo {
  /** Pixels evaluated. */
  pixels: number;
  /** False when the bounded-memory histogram was used instead of every distinct score. */
  exact: boolean;
  /** Bound on |pixel AUROC − exact pixel AUROC| (0 when exact). */
  auroc_error_bound: number;
}

/** Pixel metrics of a run; `aupr` (pixel AP) only under MuSc's protocol, which reports it. */
export type PixelBlock = PixelMetrics & { aupr?: number };

export interface RunRecord {
  seed: number;
  refs: string[];
  scores: ScoreRecord[];
  image: ImageMetrics;
  pixel: PixelBlock | null;
  pixel_eval?: PixelEvalInfo;
}

export interface MetricBlock {
  image: ImageMetrics;
  pixel: PixelBlock | null;
}

export interface ShotResult {
  runs: RunRecord[];
  mean: MetricBlock;
  std: MetricBlock;
}

export interface SummaryBlock {
  mean: MetricBlock;
  std: MetricBlock;
  categories: number;
}

/** What `winclip eval --method musc` records about its runs (absent for WinCLIP). */
export interface MuscRunInfo {
  /** 'musc': METHOD-musc.md §12 at S×S; 'default': the WinCLIP evaluation's metrics on resized maps. */
  protocol: 'musc' | 'default';
  layers: number[];
  size: number;
  r_list: number[];
  interval: [number, number];
  rscin_k: number[];
  /** Lots per category (the official divide_num). */
  divide: number;
  /** Unordered image pairs whose nearest distances were computed, over all lots. */
  pairs_computed: number;
}

export interface EvalOutput {
  dataset: DatasetKind;
  model: string;
  /** 'musc' for the lot mode; absent for WinCLIP. */
  method?: 'musc';
  musc?: MuscRunInfo;
  ablation: string;
  pixel_size: number | null;
  object_names: Record<string, string>;
  categories: Record<string, Record<string, ShotResult>>;
  summary: Record<string, SummaryBlock>;
  stats: { images_encoded: number; features_from_cache: number; seconds: number };
}

/** An eval's output before its first category: the run's identity, then empty tables and counters. */
export function newEvalOutput(
  head: Pick<EvalOutput, 'dataset' | 'model' | 'method' | 'musc' | 'ablation' | 'pixel_size'>,
): EvalOutput {
  return {
    ...head,
    object_names: {},
    categories: {},
    summary: {},
    stats: { images_encoded: 0, features_from_cache: 0, seconds: 0 },
  };
}

export function mean(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Population standard deviation (ddof = 0, NumPy's default). */
export function std(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
}

function reduceImage(items: ImageMetrics[], f: (xs: number[]) => number): ImageMetrics {
  return {
    auroc: f(items.map((m) => m.auroc)),
    aupr: f(items.map((m) => m.aupr)),
    f1_max: f(items.map((m) => m.f1_max)),
  };
}

function reducePixel(items: (PixelBlock | null)[], f: (xs: number[]) => number): PixelBlock | null {
  if (items.length === 0 || items.some((m) => m === null)) return null;
  const ms = items as PixelBlock[];
  const out: PixelBlock = {
    auroc: f(ms.map((m) => m.auroc)),
    pro: f(ms.map((m) => m.pro)),
    f1_max: f(ms.map((m) => m.f1_max)),
  };
  if (ms.every((m) => m.aupr !== undefined)) out.aupr = f(ms.map((m) => m.aupr as number));
  return out;
}

/** Image and pixel metrics of several rows reduced by `f` (mean or std), field by field. */
function reduceRows(rows: { image: ImageMetrics; pixel: PixelBlock | null }[], f: (xs: number[]) => number) {
  return {
    image: reduceImage(
      rows.map((r) => r.image),
      f,
    ),
    pixel: reducePixel(
      rows.map((r) => r.pixel),
      f,
    ),
  };
}

export function aggregateRuns(runs: RunRecord[]): ShotResult {
  return { runs, mean: reduceRows(runs, mean), std: reduceRows(runs, std) };
}

/** Mean row over categories: mean of means ± mean of stds (see above). */
export function meanOverCategories(
  categories: Record<string, Record<string, ShotResult>>,
  shots: number[],
): EvalOutput['summary'] {
  const out: EvalOutput['summary'] = {};
  for (const k of shots) {
    const per = Object.values(categories)
      .map((c) => c[String(k)])
      .filter((r): r is ShotResult => r !== undefined);
    out[String(k)] = {
      mean: reduceRows(
        per.map((r) => r.mean),
        mean,
      ),
      std: reduceRows(
        per.map((r) => r.std),
        mean,
      ),
      categories: per.length,
    };
  }
  return out;
}
