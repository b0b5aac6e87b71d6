/**
 * CSV rows of results records, for the CLI's --csv (streamed row by row) and the app's CSV export (joined):
 * RFC 4180 (CRLF line ends, quotes doubled), one column set in one order on both sides, regions as a count
 * plus the top region's fields. The Excel variant adds a UTF-8 BOM (so Excel reads the file as UTF-8) and
 * defuses text cells that a spreadsheet would run as a formula.
 */
import type { ImageRecord } from './results-format';

type Cell = string | number | null | undefined;

/** Per-row values from the document's top (model, weights, prompts), repeated so each row stands alone. */
export interface CsvContext {
  model: string | null;
  weights: string | null;
  prompt_set: string | null;
}

/**
 * Which columns a writer emits: 'image' always; 'roi' when an inspection region is set (so output
 * without one is unchanged); 'lot' for lot-mode results; 'verdict' with an image threshold; 'pixel' with a pixel threshold; 'app' for the app's per-image fields; 'provenance' for the
 * CsvContext columns.
 */
export type CsvColumnGroup = 'image' | 'roi' | 'lot' | 'verdict' | 'pixel' | 'app' | 'provenance';

export interface CsvColumn {
  name: string;
  group: CsvColumnGroup;
  cell: (r: ImageRecord, c: CsvContext) => Cell;
}

const top = (r: ImageRecord) => r.regions?.[0];

/** Every column in its fixed order; a writer takes the groups that apply to it (csvColumns). */
const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'file', group: 'image', cell: (r) => r.file },
  { name: 'width', group: 'image', cell: (r) => r.width },
  { name: 'height', group: 'image', cell: (r) => r.height },
  { name: 'roi_x', group: 'roi', cell: (r) => r.roi?.x },
  { name: 'roi_y', group: 'roi', cell: (r) => r.roi?.y },
  { name: 'roi_width', group: 'roi', cell: (r) => r.roi?.width },
  { name: 'roi_height', group: 'roi', cell: (r) => r.roi?.height },
  { name: 'image_score', group: 'image', cell: (r) => r.image_score },
  { name: 'max_score', group: 'lot', cell: (r) => r.max_score },
  { name: 'map_width', group: 'lot', cell: (r) => r.map_width },
  { name: 'map_height', group: 'lot', cell: (r) => r.map_height },
  { name: 'verdict', group: 'verdict', cell: (r) => r.verdict },
  { name: 'status', group: 'app', cell: (r) => r.status },
  { name: 'mode', group: 'app', cell: (r) => r.mode },
  { name: 'k', group: 'app', cell: (r) => r.k },
  { name: 'image_threshold', group: 'app', cell: (r) => r.image_threshold },
  { name: 'pixel_threshold', group: 'app', cell: (r) => r.pixel_threshold },
  { name: 'threshold_mode', group: 'app', cell: (r) => r.threshold_mode },
  { name: 'max_pixel', group: 'pixel', cell: (r) => r.max_pixel },
  { name: 'area_px', group: 'app', cell: (r) => r.area_px },
  { name: 'area_percent', group: 'app', cell: (r) => r.area_percent },
  { name: 'regions', group: 'pixel', cell: (r) => r.regions?.length },
  // The top region is the one with the highest peak (regions are listed highest peak first).
  { name: 'top_region_left', group: 'pixel', cell: (r) => top(r)?.box[0] },
  { name: 'top_region_top', group: 'pixel', cell: (r) => top(r)?.box[1] },
  { name: 'top_region_right', group: 'pixel', cell: (r) => top(r)?.box[2] },
  { name: 'top_region_bottom', group: 'pixel', cell: (r) => top(r)?.box[3] },
  { name: 'top_region_area', group: 'pixel', cell: (r) => top(r)?.area },
  { name: 'top_region_area_percent', group: 'pixel', cell: (r) => top(r)?.area_percent },
  { name: 'top_region_peak', group: 'pixel', cell: (r) => top(r)?.peak },
  { name: 'top_region_state', group: 'pixel', cell: (r) => top(r)?.state },
  { name: 'top_state', group: 'app', cell: (r) => r.states?.[0]?.state },
  { name: 'label', group: 'app', cell: (r) => r.label },
  { name: 'model', group: 'provenance', cell: (_, c) => c.model },
  { name: 'weights', group: 'provenance', cell: (_, c) => c.weights },
  { name: 'prompt_set', group: 'provenance', cell: (_, c) => c.prompt_set },
  { name: 'error', group: 'image', cell: (r) => r.error },
];

export function csvColumns(groups: readonly CsvColumnGroup[]): CsvColumn[] {
  return CSV_COLUMNS.filter((c) => groups.includes(c.group));
}

export interface CsvOptions {
  /** UTF-8 BOM and formula-injection guard, for opening in a spreadsheet. */
  excel?: boolean;
}

const EOL = '\r\n';
const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@]/;

/** One field: numbers as JavaScript prints them (non-finite → empty), text quoted when it must be. */
export function csvCell(v: Cell, opts: CsvOptions = {}): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  // A leading quote makes a spreadsheet show the text instead of evaluating it; numbers never get here.
  const s = opts.excel && FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The header line (with the BOM first for Excel), CRLF-terminated. */
export function csvHeader(columns: readonly CsvColumn[], opts: CsvOptions = {}): string {
  return `${opts.excel ? BOM : ''}${columns.map((c) => csvCell(c.name)).join(',')}${EOL}`;
}

/** One record's line, CRLF-terminated. */
export function csvRow(
  r: ImageRecord,
  columns: readonly CsvColumn[],
  ctx: CsvContext,
  opts: CsvOptions = {},
): string {
  return `${columns.map((c) => csvCell(c.cell(r, ctx), opts)).join(',')}${EOL}`;
}

/** A whole table (the app builds it in memory; the CLI writes csvHeader then csvRow per image). */
export function csvTable(
  records: readonly ImageRecord[],
  columns: readonly CsvColumn[],
  ctx: CsvContext,
  opts: CsvOptions = {},
): string {
  return csvHeader(columns, opts) + records.map((r) => csvRow(r, columns, ctx, opts)).join('');
}
