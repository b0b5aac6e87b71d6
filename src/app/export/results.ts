/** Result tables for export: the same rows feed CSV and JSON, so the two always agree. */
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
}

export function resultRows(images: InspectedImage[], thresholds: Thresholds): ResultRow[] {
  return images.map((im) => ({
    file: im.name,
    width: im.width,
    height: im.height,
    status: im.result ? 'scored' : im.status,
    score: im.result ? im.result.score : null,
    verdict: im.result ? verdictOf(im.result.score, thresholds.image) : null,
    mode: im.result?.mode ?? null,
    error: im.error,
  }));
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
];

export function toCsv(rows: ResultRow[], thresholds: Thresholds): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [r.file, r.width, r.height, r.status, r.score, r.verdict, r.mode, thresholds.image, r.error]
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
      prompts: { ...ctx.prompts, counts: ctx.promptCounts },
      references: ctx.references,
      counts,
      results: rows,
    },
    null,
    2,
  );
}
