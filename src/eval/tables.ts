/**
 * Plain-text tables in the paper's layouts: class-wise tables per metric (Tables 10–21: one row per
 * category plus "Mean", one column per shot count, "mean±std" in percent) and the summary tables
 * (Table 1: AUROC / AUPR / F1-max; Table 4: pAUROC / PRO / F1-max; one row per setup).
 */
import { displayName } from './object-names';
import type { EvalOutput, MetricBlock } from './results';

type Level = 'image' | 'pixel';

interface MetricSpec {
  level: Level;
  key: string;
  title: string;
}

const AC: MetricSpec[] = [
  { level: 'image', key: 'auroc', title: 'AUROC' },
  { level: 'image', key: 'aupr', title: 'AUPR' },
  { level: 'image', key: 'f1_max', title: 'F1-max' },
];
const AS: MetricSpec[] = [
  { level: 'pixel', key: 'auroc', title: 'pAUROC' },
  { level: 'pixel', key: 'pro', title: 'PRO' },
  { level: 'pixel', key: 'f1_max', title: 'F1-max' },
];
/** Pixel AP, reported only by MuSc's protocol. */
const PIXEL_AP: MetricSpec = { level: 'pixel', key: 'aupr', title: 'pAUPR' };

function datasetTitle(kind: string): string {
  return kind === 'visa' ? 'VisA' : kind === 'mvtec' ? 'MVTec-AD' : kind;
}

/** "91.8±0.0" from fractions; "-" where undefined. */
export function formatCell(mean: number | null | undefined, std: number | null | undefined): string {
  if (mean === null || mean === undefined || Number.isNaN(mean)) return '-';
  const s = std === null || std === undefined || Number.isNaN(std) ? 0 : std;
  return `${(100 * mean).toFixed(1)}±${(100 * s).toFixed(1)}`;
}

function pick(block: MetricBlock, spec: MetricSpec): number | null {
  const b = block[spec.level] as Record<string, number> | null;
  return b ? b[spec.key] : null;
}

/** Left-aligned columns separated by two spaces. */
export function layout(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, c.length);
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function methodName(k: number, out: Pick<EvalOutput, 'ablation' | 'method'>): string {
  if (out.method === 'musc') return 'MuSc';
  const m = k === 0 ? 'WinCLIP' : 'WinCLIP+';
  return out.ablation === 'full' ? m : `${m} [${out.ablation}]`;
}

export function classwiseTable(out: EvalOutput, spec: MetricSpec, shots: number[]): string {
  const task = spec.level === 'image' ? 'AC' : 'AS';
  const rows: string[][] = [
    [`${datasetTitle(out.dataset)} (${task})`, ...shots.map((k) => `K = ${k}`)],
    [spec.title, ...shots.map((k) => methodName(k, out))],
  ];
  for (const [cat, byShots] of Object.entries(out.categories)) {
    rows.push([
      displayName(cat),
      ...shots.map((k) => {
        const r = byShots[String(k)];
        return r ? formatCell(pick(r.mean, spec), pick(r.std, spec)) : '-';
      }),
    ]);
  }
  rows.push([
    'Mean',
    ...shots.map((k) => {
      const s = out.summary[String(k)];
      return s ? formatCell(pick(s.mean, spec), pick(s.std, spec)) : '-';
    }),
  ]);
  return layout(rows);
}

function summaryTable(out: EvalOutput, specs: MetricSpec[], shots: number[]): string {
  const title = specs[0].level === 'image' ? 'Anomaly Classification' : 'Anomaly Segmentation';
  const rows: string[][] = [['Setup', 'Method', ...specs.map((s) => s.title)]];
  for (const k of shots) {
    const s = out.summary[String(k)];
    rows.push([
      `${k}-shot`,
      methodName(k, out),
      ...specs.map((sp) => (s ? formatCell(pick(s.mean, sp), pick(s.std, sp)) : '-')),
    ]);
  }
  // The title spans the table, as the paper's two-level header does.
  return `${title} (${datasetTitle(out.dataset)})\n${layout(rows)}`;
}

/** Everything printed after a run: class-wise tables, then the Table 1 / Table 4 summaries. */
export function formatReport(out: EvalOutput, shots: number[]): string {
  const pixels = Object.values(out.summary).map((s) => s.mean.pixel);
  const hasPixel = pixels.some((p) => p !== null);
  const as = pixels.some((p) => p?.aupr !== undefined) ? [...AS, PIXEL_AP] : AS;
  const specs = hasPixel ? [...AC, ...as] : AC;
  const parts = specs.map((s) => classwiseTable(out, s, shots));
  parts.push(summaryTable(out, AC, shots));
  if (hasPixel) parts.push(summaryTable(out, as, shots));
  return `${parts.join('\n\n')}\n`;
}
