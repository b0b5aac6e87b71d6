/**
 * The results format that `winclip score` and the app's JSON export both write ("winclip-results",
 * version 1; JSON Schema: docs/results.schema.json): the per-image record, the region record and the
 * provenance at the top. Both sides build their records here, so a field means the same on each.
 */
import type { DontCareArea, PixelRect } from './inspection-region';
import type { MethodSettings } from './method-settings';
import type { MuscSettings } from './musc/settings';
import { type ModeKind, referenceCount, type ScoringMode, thresholdKey } from './scoring-mode';
import { sha256Hex } from './sha256';
import type { PromptSet } from './types';
import type { MinRegionArea, Verdict } from './verdict-policy';

export const RESULTS_FORMAT = 'winclip-results';
export const RESULTS_VERSION = 1;

export type { Verdict } from './verdict-policy';

/** A user's mark on a part: it is good or it is not (REVIEW is a verdict, never a mark). */
export type Mark = 'OK' | 'NG';

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

/**
 * `width`×`height` is the inspected area (the ROI's size with one, else the image's); `at` is the ROI's
 * corner, so a region found on an ROI's map gets its box in image pixels.
 */
export function regionRecord(
  r: RegionSource,
  width: number,
  height: number,
  at: { x: number; y: number } = { x: 0, y: 0 },
): RegionRecord {
  return {
    box: [r.box[0] + at.x, r.box[1] + at.y, r.box[2] + at.x, r.box[3] + at.y],
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
  /** 'zero-shot', 'few-shot' or 'lot' (null when unscored). */
  mode: string | null;
  /** Reference shots in the bank (0: zero-shot). */
  k: number;
  /** Null while the image's mode has no threshold (its status is then 'unjudged'). */
  image_threshold: number | null;
  pixel_threshold: number;
  /** Mode key of the thresholds the verdict used ('zero-shot', 'few-shot:K', 'lot'). */
  threshold_mode: string | null;
  /** Pixels at or above the pixel threshold, and their share of the image in %. */
  area_px: number | null;
  area_percent: number | null;
  /** The user's OK/NG mark. */
  label: Mark | null;
  /** The whole image's state words, largest share first. */
  states: StateShare[] | null;
}

/**
 * One image. The CLI writes {file, width, height, image_score} plus `verdict` (with an image threshold),
 * `max_pixel` and `regions` (with a pixel threshold) and `anomaly_map` (flat row-major H·W, when asked);
 * an image that could not be scored is {file, error}. The app writes every field, null where unknown.
 * A lot-mode record also has `max_score` and the map's own size `map_width`×`map_height` (S×S: the lot's
 * maps stay at the network's input size, METHOD-musc.md §5); its `anomaly_map` is that size.
 * With an inspection region, `roi` is the box the image was cropped to: the map covers it (its
 * `anomaly_map` is roi.height·roi.width) and region boxes stay in image pixels.
 */
export interface ImageRecord extends Partial<AppImageFields> {
  file: string;
  width?: number | null;
  height?: number | null;
  roi?: PixelRect;
  /** Lot mode: the RsCIN score, normalised within the lot. */
  image_score?: number | null;
  /** Lot mode: the map's max before RsCIN, comparable across lots; what its image threshold applies to. */
  max_score?: number | null;
  map_width?: number;
  map_height?: number;
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
  /** The inspection region (left out when undefined: no ROI). */
  roi?: PixelRect;
  /** Lot mode only (left out when undefined): the max score and the map's size. */
  maxScore?: number | null;
  mapSize?: { width: number; height: number };
  /** Left out of the record when undefined (e.g. no image threshold was given). */
  verdict?: Verdict | null;
  maxPixel?: number | null;
  regions?: RegionRecord[] | null;
  error?: string | null;
}

/** The record's shared fields, in the documented order; fields given as undefined are left out. */
export function imageRecord(i: ImageRecordInput): ImageRecord {
  const r: ImageRecord = { file: i.file, width: i.width, height: i.height };
  if (i.roi !== undefined) r.roi = { x: i.roi.x, y: i.roi.y, width: i.roi.width, height: i.roi.height };
  r.image_score = i.imageScore;
  if (i.maxScore !== undefined) r.max_score = i.maxScore;
  if (i.mapSize !== undefined) {
    r.map_width = i.mapSize.width;
    r.map_height = i.mapSize.height;
  }
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
  /** REVIEW from this score up to `image` (only written when a review threshold was set). */
  review?: number;
  /** Regions smaller than this are not listed and do not make a part NG (only written when set). */
  min_region_area?: MinRegionArea;
  /** The mode they belong to: 'zero-shot', 'few-shot:K' or 'lot' (its image threshold applies to max_score). */
  mode: string;
  /** Where they came from: 'flag', 'recipe', 'reference-bank', 'labels', 'manual', 'default'; null if none. */
  source: string | null;
}

/** WinCLIP's settings (zero-shot and few-shot). */
export interface WinclipMethodProvenance {
  mode: Exclude<ModeKind, 'lot'>;
  k: number;
  temperature: number;
  window_scales: number[];
  aggregation: string;
  use_image_scale: boolean;
  few_shot_weight: number;
}

/** The lot mode's settings (MuSc) and the lot's size. */
export interface LotMethodProvenance {
  mode: 'lot';
  k: 0;
  n: number;
  layers: number[];
  size: number;
  r_list: number[];
  interval: [number, number];
  rscin_k: number[];
}

export type MethodProvenance = WinclipMethodProvenance | LotMethodProvenance;

/** Where the run looked (only written when an ROI or don't-care areas were set). */
export interface InspectionProvenance {
  /** The run's inspection region; each image's record repeats it. */
  roi: PixelRect | null;
  /** Don't-care areas in image pixels: left out of max_pixel, regions and the few-shot score's map max. */
  ignore: DontCareArea[];
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
  inspection?: InspectionProvenance;
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
  t: { image: number | null; pixel: number | null; review?: number; minRegionArea?: MinRegionArea },
  source: string | null,
): ThresholdProvenance {
  // Key order as documented; the policy's keys only when set, so runs without them read as before.
  return {
    image: t.image,
    pixel: t.pixel,
    ...(t.review !== undefined && { review: t.review }),
    ...(t.minRegionArea !== undefined && { min_region_area: { ...t.minRegionArea } }),
    mode: thresholdKey(mode),
    source,
  };
}

/** The inspection part of the provenance, or undefined when the whole image was inspected with no areas. */
export function inspectionProvenance(
  roi: PixelRect | undefined,
  ignore: readonly DontCareArea[],
): InspectionProvenance | undefined {
  if (!roi && ignore.length === 0) return undefined;
  return { roi: roi ? { ...roi } : null, ignore: [...ignore] };
}

/** The method part of the provenance: WinCLIP's settings, or for a lot the lot settings `lot` and its size. */
export function methodProvenance(
  s: Readonly<MethodSettings>,
  mode: ScoringMode,
  lot?: Readonly<MuscSettings>,
): MethodProvenance {
  if (mode.kind === 'lot') {
    if (!lot) throw new Error('the provenance of a lot-mode result needs the lot settings');
    return lotMethodProvenance(lot, mode.n);
  }
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

function lotMethodProvenance(s: Readonly<MuscSettings>, n: number): LotMethodProvenance {
  return {
    mode: 'lot',
    k: 0,
    n,
    layers: [...s.layers],
    size: s.size,
    r_list: [...s.rList],
    interval: [s.interval[0], s.interval[1]],
    rscin_k: [...s.rscinK],
  };
}

/** Short, stable identity of a prompt ensemble: the first 16 hex digits of SHA-256 over its prompts. */
export function promptSetId(set: PromptSet): string {
  return sha256Hex(new TextEncoder().encode(JSON.stringify([set.normal, set.anomalous]))).slice(0, 16);
}
