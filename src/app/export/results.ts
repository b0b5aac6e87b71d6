/**
 * Result rows for export: the same rows feed CSV, JSON and the HTML report, so they always agree. The
 * record and its columns are the CLI's too (src/core/results-format.ts, src/core/results-csv.ts); a new
 * per-image field is a field there and, for the CSV, one entry in CSV_COLUMNS.
 */
import type { ExplainResult, MapReport } from '../../../workers/protocol';
import type { Label } from '../../core/label-metrics';
import { csvColumns, csvTable } from '../../core/results-csv';
import {
  type AppImageFields,
  type ImageRecord,
  imageRecord,
  type RegionRecord,
  type ResultsProvenance,
  regionRecord,
  resultsHeader,
} from '../../core/results-format';
import type { VerdictPolicy } from '../../core/verdict-policy';
import { judge } from '../state/judging';
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
  /**
   * The image's own mode key, thresholds and policy (null when unscored); `policy` null: its mode has
   * no threshold yet, the image is unjudged.
   */
  thresholds: (
    im: InspectedImage,
  ) => { mode: string; image: number; pixel: number; policy: VerdictPolicy | null } | null;
  explanations: ReadonlyMap<string, ExplainResult>;
}

/** One image's export record: the shared fields (all present, null where unknown) and the app's own. */
export type ResultRow = ImageRecord & AppImageFields;

function resultRow(im: InspectedImage, ctx: RowContext, map: MapReport | undefined): ResultRow {
  const own = ctx.extras?.thresholds(im) ?? null;
  const t = own ?? ctx.thresholds;
  // Without per-image policies (tests, a bare context) the shared thresholds judge, as an NG threshold.
  const policy = own ? own.policy : { ngThreshold: t.image };
  const verdict = im.result ? judge(im.result.score, policy, map && regionsOfReport(map)) : null;
  const unjudged = im.result !== null && policy === null;
  const explained = ctx.extras?.explanations.get(im.id);
  // With an ROI the map covers it: region boxes move back into image pixels, areas are the ROI's share.
  const roi = map?.roi;
  const at = roi ?? { x: 0, y: 0 };
  const regions: RegionRecord[] | null = explained
    ? explained.regions.map((r) => regionRecord(r, explained.width, explained.height, at))
    : map
      ? map.regions.map((r) => regionRecord(r, map.width, map.height, at))
      : null;
  // Every map cell in a don't-care area: there is no peak (as the CLI writes it).
  const maxPixel = map && Number.isFinite(map.maxPixel) ? map.maxPixel : null;
  const shared = imageRecord({
    file: im.name,
    width: im.width,
    height: im.height,
    roi,
    // A lot's image_score is its RsCIN score; its max_score is what the verdict compares.
    imageScore: im.result ? (im.result.lotScore ?? im.result.score) : null,
    maxScore: im.result?.lotScore !== undefined ? im.result.score : undefined,
    verdict,
    maxPixel,
    regions,
    error: im.error,
  });
  return {
    ...shared,
    status: unjudged ? 'unjudged' : im.result ? 'scored' : im.status,
    mode: im.result?.mode ?? null,
    k: ctx.k,
    image_threshold: unjudged ? null : t.image,
    pixel_threshold: t.pixel,
    threshold_mode: own?.mode ?? null,
    area_px: map?.areaAbove ?? null,
    area_percent: map ? 100 * map.areaAboveFraction : null,
    label: ctx.extras?.label(im) ?? null,
    states: explained?.imageStates ?? null,
  };
}

/** The region rule's view of a map report: region areas in image pixels, the whole map inspected. */
function regionsOfReport(map: MapReport) {
  return {
    regions: map.regions.map((g) => ({ areaPx: g.area, peak: g.peak })),
    inspectedPx: map.width * map.height,
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

/** The app's CSV columns: every group of src/core/results-csv.ts, in its order ('roi' with an ROI). */
const APP_CSV_COLUMNS = csvColumns(['image', 'verdict', 'app', 'pixel', 'provenance']);
const APP_CSV_COLUMNS_ROI = csvColumns(['image', 'roi', 'verdict', 'app', 'pixel', 'provenance']);
/** The columns without an inspection region (the CLI's rule: output without one is unchanged). */
export const CSV_COLUMNS = APP_CSV_COLUMNS.map((c) => c.name);

/**
 * The CSV export. Excel-flavoured (UTF-8 BOM, formula guard) because the app's CSV is opened in a
 * spreadsheet at the station, and its file names come from the user's disk; pandas reads the BOM too.
 */
export function toCsv(rows: ResultRow[], ctx: Pick<RowContext, 'model' | 'weights' | 'promptSet'>): string {
  return csvTable(
    rows,
    rows.some((r) => r.roi) ? APP_CSV_COLUMNS_ROI : APP_CSV_COLUMNS,
    { model: ctx.model, weights: ctx.weights, prompt_set: ctx.promptSet },
    { excel: true },
  );
}

export interface VerdictCounts {
  ok: number;
  review: number;
  ng: number;
  /** Scored while their mode had no threshold. */
  unjudged: number;
  unscored: number;
}

export function verdictCounts(rows: ResultRow[]): VerdictCounts {
  const counts: VerdictCounts = { ok: 0, review: 0, ng: 0, unjudged: 0, unscored: 0 };
  for (const r of rows) {
    if (r.verdict === 'OK') counts.ok++;
    else if (r.verdict === 'REVIEW') counts.review++;
    else if (r.verdict === 'NG') counts.ng++;
    else if (r.status === 'unjudged') counts.unjudged++;
    else counts.unscored++;
  }
  return counts;
}

/** What the JSON export adds to the shared provenance: the app's prompts, bank, backend and per-mode thresholds. */
export interface ExportExtras {
  backend: string | null;
  prompts: PromptConfig & { counts: { normal: number; anomalous: number } };
  references: string[];
  /** Thresholds of every mode (with its review threshold and minimum region area), with where they came from. */
  thresholdsByMode?: Record<
    string,
    Thresholds & { source: string; review?: number; min_region_area?: object }
  >;
}

/** The results document ("winclip-results", docs/results.schema.json): provenance, counts, then images. */
export function toJson(rows: ResultRow[], provenance: ResultsProvenance, extras: ExportExtras): string {
  return JSON.stringify(
    {
      ...resultsHeader(provenance),
      backend: extras.backend,
      prompts: extras.prompts,
      references: extras.references,
      ...(extras.thresholdsByMode ? { thresholds_by_mode: extras.thresholdsByMode } : {}),
      counts: verdictCounts(rows),
      images: rows,
    },
    null,
    2,
  );
}
