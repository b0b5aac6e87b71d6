/**
 * Result tables for export: the same rows feed CSV, JSON and the HTML report, so they always agree.
 * A column is a name and a getter (RESULT_COLUMNS); a new per-image field is one entry there.
 */
import type { ExplainResult, MapReport } from '../../../workers/protocol';
import type { Label } from '../../core/label-metrics';
import type { ModelInfo } from '../../engine/api';
import { verdictOf } from '../state/selectors';
import type { InspectedImage, PromptConfig, Thresholds } from '../state/types';

/** What every row shares: decision thresholds, bank size, and which model and prompts made the scores. */
export interface RowContext {
  thresholds: Thresholds;
  /** Reference shots in the bank (0: zero-shot). */
  k: number;
  model: string | null;
  weights: string | null;
  /** Short hash of the prompt ensemble (see promptSetId). */
  promptSet: string | null;
  /** Marks, each image's own-mode thresholds and its explanations (see export-service). */
  extras?: RowExtras;
}

/** Per-image thresholds, marks and explanations: scores of another mode are judged by that mode's thresholds. */
export interface RowExtras {
  label: (im: InspectedImage) => Label | null;
  /** The image's own mode key and thresholds (null when unscored). */
  thresholds: (im: InspectedImage) => { mode: string; image: number; pixel: number } | null;
  explanations: ReadonlyMap<string, ExplainResult>;
}

/** A region above the pixel threshold, with its closest anomalous state word when explained. */
export interface ExportRegion {
  box: [number, number, number, number];
  area: number;
  area_percent: number;
  peak: number;
  state?: string | null;
}

export interface ResultRow {
  file: string;
  width: number | null;
  height: number | null;
  status: string;
  score: number | null;
  verdict: 'OK' | 'NG' | null;
  mode: string | null;
  error: string | null;
  k: number;
  image_threshold: number;
  max_pixel: number | null;
  pixel_threshold: number;
  /** Pixels at or above the pixel threshold, and their share of the image in %. */
  area_px: number | null;
  area_percent: number | null;
  regions: ExportRegion[] | null;
  model: string | null;
  weights: string | null;
  prompt_set: string | null;
  /** The user's OK/NG mark. */
  label: Label | null;
  /** Mode key of the thresholds the verdict used ('zero-shot', 'few-shot:K'). */
  threshold_mode: string | null;
  /** The whole image's state words, largest share first. */
  states: ExplainResult['imageStates'] | null;
}

export function resultRow(im: InspectedImage, ctx: RowContext, map: MapReport | undefined): ResultRow {
  const own = ctx.extras?.thresholds(im) ?? null;
  const t = own ?? ctx.thresholds;
  const explained = ctx.extras?.explanations.get(im.id);
  const regions: ExportRegion[] | null = explained
    ? explained.regions.map((r) => ({
        box: r.box,
        area: r.area,
        area_percent: 100 * r.areaFraction,
        peak: r.peak,
        state: r.state,
      }))
    : map
      ? map.regions.map((r) => ({ ...r, area_percent: (100 * r.area) / (map.width * map.height) }))
      : null;
  return {
    file: im.name,
    width: im.width,
    height: im.height,
    status: im.result ? 'scored' : im.status,
    score: im.result ? im.result.score : null,
    verdict: im.result ? verdictOf(im.result.score, t.image) : null,
    mode: im.result?.mode ?? null,
    error: im.error,
    k: ctx.k,
    image_threshold: t.image,
    max_pixel: map?.maxPixel ?? null,
    pixel_threshold: t.pixel,
    area_px: map?.areaAbove ?? null,
    area_percent: map ? 100 * map.areaAboveFraction : null,
    regions,
    model: ctx.model,
    weights: ctx.weights,
    prompt_set: ctx.promptSet,
    label: ctx.extras?.label(im) ?? null,
    threshold_mode: own?.mode ?? null,
    states: explained?.imageStates ?? null,
  };
}

/** Rows in gallery order; `maps` holds the full-resolution map figures of scored images by id. */
export function resultRows(
  images: InspectedImage[],
  ctx: RowContext,
  maps: ReadonlyMap<string, MapReport> = new Map(),
): ResultRow[] {
  return images.map((im) => resultRow(im, ctx, maps.get(im.id)));
}

type Cell = string | number | null;

/** CSV columns in order; the first nine are the original export's (kept for existing readers). */
export const RESULT_COLUMNS: { name: string; cell: (r: ResultRow) => Cell }[] = [
  { name: 'file', cell: (r) => r.file },
  { name: 'width', cell: (r) => r.width },
  { name: 'height', cell: (r) => r.height },
  { name: 'status', cell: (r) => r.status },
  { name: 'score', cell: (r) => r.score },
  { name: 'verdict', cell: (r) => r.verdict },
  { name: 'mode', cell: (r) => r.mode },
  { name: 'image_threshold', cell: (r) => r.image_threshold },
  { name: 'error', cell: (r) => r.error },
  { name: 'k', cell: (r) => r.k },
  { name: 'max_pixel', cell: (r) => r.max_pixel },
  { name: 'pixel_threshold', cell: (r) => r.pixel_threshold },
  { name: 'area_px', cell: (r) => r.area_px },
  { name: 'area_percent', cell: (r) => r.area_percent },
  { name: 'regions', cell: (r) => (r.regions ? r.regions.length : null) },
  { name: 'model', cell: (r) => r.model },
  { name: 'weights', cell: (r) => r.weights },
  { name: 'prompt_set', cell: (r) => r.prompt_set },
  { name: 'label', cell: (r) => r.label },
  { name: 'threshold_mode', cell: (r) => r.threshold_mode },
  { name: 'top_region_state', cell: (r) => r.regions?.[0]?.state ?? null },
  { name: 'top_state', cell: (r) => r.states?.[0]?.state ?? null },
];

export const CSV_COLUMNS = RESULT_COLUMNS.map((c) => c.name);

function csvCell(v: Cell): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ResultRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(RESULT_COLUMNS.map((c) => csvCell(c.cell(r))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export interface ExportContext {
  model: { label: string | null; info: ModelInfo | null; backend: string | null; weights: string | null };
  prompts: PromptConfig;
  promptCounts: { normal: number; anomalous: number };
  promptSet: string | null;
  thresholds: Thresholds;
  references: string[];
  /** Thresholds of every mode, with where they came from. */
  thresholdsByMode?: Record<string, Thresholds & { source: string }>;
}

export function verdictCounts(rows: ResultRow[]): { ok: number; ng: number; unscored: number } {
  const counts = { ok: 0, ng: 0, unscored: 0 };
  for (const r of rows) {
    if (r.verdict === 'OK') counts.ok++;
    else if (r.verdict === 'NG') counts.ng++;
    else counts.unscored++;
  }
  return counts;
}

export function toJson(rows: ResultRow[], ctx: ExportContext): string {
  return JSON.stringify(
    {
      exportedAt: new Date().toISOString(),
      model: ctx.model,
      mode: ctx.references.length > 0 ? 'few-shot' : 'zero-shot',
      thresholds: ctx.thresholds,
      ...(ctx.thresholdsByMode ? { thresholdsByMode: ctx.thresholdsByMode } : {}),
      prompts: { ...ctx.prompts, counts: ctx.promptCounts, id: ctx.promptSet },
      references: ctx.references,
      counts: verdictCounts(rows),
      results: rows,
    },
    null,
    2,
  );
}
