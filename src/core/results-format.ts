/**
 * The results format that `winclip score` and the app's JSON export both write ("winclip-results",
 * version 1; JSON Schema: docs/results.schema.json): the per-image record, the region record and the
 * provenance at the top. Both sides build their records here, so a field means the same on each.
 */
import type { MethodSettings } from './method-settings';
import { type ModeKind, referenceCount, type ScoringMode, thresholdKey } from './scoring-mode';
import { sha256Hex } from './sha256';
import type { PromptSet } from './types';

export const RESULTS_FORMAT = 'winclip-results';
export const RESULTS_VERSION = 1;

export type Verdict = 'OK' | 'NG';

/** A connected region of the anomaly map at or above the pixel threshold. */
export interface RegionRecord {
  /** [left, top, right, bottom] in image pixels; right and bottom exclusive (width = right − left). */
  box: [number, number, number, number];
  /** Pixels in the region. */
  area: number;
  /** area as a percentage of the image's pixels. */
  area_percent: number;
  /** Highest map value in the region. */
  peak: number;
  /** The closest anomalous state word, when the prompts were asked (null otherwise). */
  state: string | null;
}

/** What a region record is made from (src/core/map-regions.ts, explain results, worker map reports). */
export interface RegionSource {
  box: readonly [number, number, number, number];
  area: number;
  peak: number;
  state?: string | null;
}

export function regionRecord(r: RegionSource, width: number, height: number): RegionRecord {
  return {
    box: [r.box[0], r.box[1], r.box[2], r.box[3]],
    area: r.area,
    area_percent: (100 * r.area) / (width * height),
    peak: r.peak,
    state: r.state ?? null,
  };
}

/** A state word's share of the whole image (app exports). */
export interface StateShare {
  state: string;
  cls: string;
  share: number;
}

/** Per-image fields only the app writes (its gallery status, marks and per-mode thresholds). */
export interface AppImageFields {
  status: string;
  /** 'zero-shot' or 'few-shot' (null when unscored). */
  mode: string | null;
  /** Reference shots in the bank (0: zero-shot). */
  k: number;
  image_threshold: number;
  pixel_threshold: number;
  /** Mode key of the thresholds the verdict used ('zero-shot', 'few-shot:K'). */
  threshold_mode: string | null;
  /** Pixels at or above the pixel threshold, and their share of the image in %. */
  area_px: number | null;
  area_percent: number | null;
  /** The user's OK/NG mark. */
  label: Verdict | null;
  /** The whole image's state words, largest share first. */
  states: StateShare[] | null;
}

/**
 * One image. The CLI writes {file, width, height, image_score} plus `verdict` (with an image threshold),
 * `max_pixel` and `regions` (with a pixel threshold) and `anomaly_map` (flat row-major H·W, when asked);
 * an image that could not be scored is {file, error}. The app writes every field, null where unknown.
 */
export interface ImageRecord extends Partial<AppImageFields> {
  file: string;
  width?: number | null;
  height?: number | null;
  image_score?: number | null;
  verdict?: Verdict | null;
  max_pixel?: number | null;
  regions?: RegionRecord[] | null;
  anomaly_map?: number[];
  error?: string | null;
}

export interface ImageRecordInput {
  file: string;
  width: number | null;
  height: number | null;
  imageScore: number | null;
  /** Left out of the record when undefined (e.g. no image threshold was given). */
  verdict?: Verdict | null;
  maxPixel?: number | null;
  regions?: RegionRecord[] | null;
  error?: string | null;
}

/** The record's shared fields, in the documented order; fields given as undefined are left out. */
export function imageRecord(i: ImageRecordInput): ImageRecord {
  const r: ImageRecord = { file: i.file, width: i.width, height: i.height, image_score: i.imageScore };
  if (i.verdict !== undefined) r.verdict = i.verdict;
  if (i.maxPixel !== undefined) r.max_pixel = i.maxPixel;
  if (i.regions !== undefined) r.regions = i.regions;
  if (i.error !== undefined) r.error = i.error;
  return r;
}

/** An image that could not be scored, as the CLI writes it. */
export function failedRecord(file: string, error: string): ImageRecord {
  return { file, error };
}

/** Where the model came from and which weights it was. */
export interface ModelProvenance {
  /** Display name (app: the model's label; CLI: the folder's name). */
  name: string | null;
  /** Hugging Face repo id, when loaded from the hub. */
  repo: string | null;
  /** Local folder (CLI) or file name / base URL (app), when not from the hub. */
  path: string | null;
  /** The hub commit the files were resolved to; null when unknown. */
  commit: string | null;
  /** Sampled SHA-256 of the weights file (src/core/weights-fingerprint.ts). */
  weights_fingerprint: string | null;
}

export interface ThresholdProvenance {
  image: number | null;
  pixel: number | null;
  /** The mode they belong to: 'zero-shot' or 'few-shot:K'. */
  mode: string;
  /** Where they came from: 'flag', 'recipe', 'reference-bank', 'labels', 'manual', 'default'; null if none. */
  source: string | null;
}

export interface MethodProvenance {
  mode: ModeKind;
  k: number;
  temperature: number;
  window_scales: number[];
  aggregation: string;
  use_image_scale: boolean;
  few_shot_weight: number;
}

export interface SessionProvenance {
  name: string;
  part: string;
  lot: string;
  station: string;
}

/** Everything at the top of a results document besides `images`. */
export interface ResultsProvenance {
  created: string;
  tool: { name: string; version: string };
  model: ModelProvenance;
  prompt_set: string | null;
  thresholds: ThresholdProvenance;
  method: MethodProvenance;
  session?: SessionProvenance;
}

export interface ResultsHeader extends ResultsProvenance {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
}

/** format and version first, so a reader can check them before anything else. */
export function resultsHeader(p: ResultsProvenance): ResultsHeader {
  return { format: RESULTS_FORMAT, version: RESULTS_VERSION, ...p };
}

/** The thresholds' part of the provenance: `mode` is the mode's threshold key (as the app keys them). */
export function thresholdProvenance(
  mode: ScoringMode,
  t: { image: number | null; pixel: number | null },
  source: string | null,
): ThresholdProvenance {
  return { image: t.image, pixel: t.pixel, mode: thresholdKey(mode), source };
}

export function methodProvenance(s: Readonly<MethodSettings>, mode: ScoringMode): MethodProvenance {
  return {
    mode: mode.kind,
    k: referenceCount(mode),
    temperature: s.temperature,
    window_scales: [...s.windowScales],
    aggregation: s.aggregation,
    use_image_scale: s.useImageScale,
    few_shot_weight: s.fewShotWeight,
  };
}

/** Short, stable identity of a prompt ensemble: the first 16 hex digits of SHA-256 over its prompts. */
export function promptSetId(set: PromptSet): string {
  return sha256Hex(new TextEncoder().encode(JSON.stringify([set.normal, set.anomalous]))).slice(0, 16);
}
