/** Result tables for export: the same rows feed CSV and JSON, so the two always agree. */
import type { ExplainResult } from '../../../workers/protocol';
import type { Label } from '../../core/label-metrics';
import type { ModelInfo } from '../../engine/api';
import { verdictOf } from '../state/selectors';
import type { InspectedImage, PromptConfig, Thresholds } from '../state/types';

export interface ResultRow {
  file: string;
  width: number | null;
  height: number | null;
  status: string;
  score: number | null;
  verdict: 'OK' | 'NG' | null;
  mode: string | null;
  error: string | null;
  /** The user's OK/NG mark. */
  label?: Label | null;
  /** Mode key of the thresholds the verdict used ('zero-shot', 'few-shot:K'). */
  thresholdMode?: string | null;
  imageThreshold?: number | null;
  pixelThreshold?: number | null;
  /** Regions at or above the pixel threshold, with their closest anomalous state word. */
  regions?: ExportRegion[] | null;
  /** The whole image's state words, largest share first. */
  states?: { state: string; cls: string; share: number }[] | null;
}

export interface ExportRegion {
  box: [number, number, number, number];
  area: number;
  area_percent: number;
  peak: number;
  state: string | null;
}

/** Per-image thresholds, marks and explanations (see export-service). */
export interface RowExtras {
  label: (im: InspectedImage) => Label | null;
  /** The image's own mode key and thresholds (null when unscored). */
  thresholds: (im: InspectedImage) => { mode: string; image: number; pixel: number } | null;
  explanations: Map<string, ExplainResult>;
}

export function resultRows(
  images: InspectedImage[],
  thresholds: Thresholds,
  extras?: RowExtras,
): ResultRow[] {
  return images.map((im) => {
    const own = extras?.thresholds(im) ?? null;
    const row: ResultRow = {
      file: im.name,
      width: im.width,
      height: im.height,
      status: im.result ? 'scored' : im.status,
      score: im.result ? im.result.score : null,
      verdict: im.result ? verdictOf(im.result.score, own?.image ?? thresholds.image) : null,
      mode: im.result?.mode ?? null,
      error: im.error,
    };
    if (!extras) return row;
    const e = extras.explanations.get(im.id);
    return {
      ...row,
      label: extras.label(im),
      thresholdMode: own?.mode ?? null,
      imageThreshold: own?.image ?? null,
      pixelThreshold: own?.pixel ?? null,
      regions: e
        ? e.regions.map((r) => ({
            box: r.box,
            area: r.area,
            area_percent: r.areaFraction * 100,
            peak: r.peak,
            state: r.state,
          }))
        : null,
      states: e ? e.imageStates : null,
    };
  });
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'file',
  'width',
  'height',
  'status',
  'score',
  'verdict',
  'mode',
  'image_threshold',
  'error',
  'label',
  'threshold_mode',
  'pixel_threshold',
  'regions',
  'top_region_state',
  'top_state',
];

export function toCsv(rows: ResultRow[], thresholds: Thresholds): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.file,
        r.width,
        r.height,
        r.status,
        r.score,
        r.verdict,
        r.mode,
        r.imageThreshold ?? thresholds.image,
        r.error,
        r.label ?? null,
        r.thresholdMode ?? null,
        r.pixelThreshold ?? null,
        r.regions ? r.regions.length : null,
        r.regions?.[0]?.state ?? null,
        r.states?.[0]?.state ?? null,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface ExportContext {
  model: { label: string | null; info: ModelInfo | null; backend: string | null };
  prompts: PromptConfig;
  promptCounts: { normal: number; anomalous: number };
  thresholds: Thresholds;
  references: string[];
  /** Thresholds of every mode, with where they came from. */
  thresholdsByMode?: Record<string, Thresholds & { source: string }>;
}

export function toJson(rows: ResultRow[], ctx: ExportContext): string {
  const counts = { ok: 0, ng: 0, unscored: 0 };
  for (const r of rows) {
    if (r.verdict === 'OK') counts.ok++;
    else if (r.verdict === 'NG') counts.ng++;
    else counts.unscored++;
  }
  return JSON.stringify(
    {
      exportedAt: new Date().toISOString(),
      model: ctx.model,
      mode: ctx.references.length > 0 ? 'few-shot' : 'zero-shot',
      thresholds: ctx.thresholds,
      ...(ctx.thresholdsByMode ? { thresholdsByMode: ctx.thresholdsByMode } : {}),
      prompts: { ...ctx.prompts, counts: ctx.promptCounts },
      references: ctx.references,
      counts,
      results: rows,
    },
    null,
    2,
  );
}
