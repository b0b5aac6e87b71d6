/**
 * A self-contained HTML report of a session: summary, thresholds, the setup (recipe), one row per image
 * with its annotated overlay as a data URI. No script, no external resource (a CSP forbids them), so it
 * opens offline from a file and can be filed or mailed as one document.
 */
import type { Recipe } from '../../core/recipe';
import { type ResultRow, verdictCounts } from './results';

export interface ReportInput {
  title: string;
  createdAt: Date;
  rows: ResultRow[];
  /** Annotated overlay PNGs as data URIs, by row file name. */
  overlays: ReadonlyMap<string, string>;
  /** The setup without its images' bytes (shown), and the full recipe as a data URI (downloadable). */
  recipe: Recipe | null;
  recipeDataUri: string | null;
  backend: string | null;
  /** Identity of the prompt ensemble (src/core/results-format.ts promptSetId). */
  promptSet: string | null;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined ? '—' : v.toFixed(digits);

/** A threshold at the app's one precision, its full value in the tooltip; "not set" while unjudged. */
function thresholdCell(t: number | null | undefined): string {
  if (t === undefined) return '<b>—</b>';
  if (t === null) return '<b>not set</b>';
  return `<b title="${t}">${fmt(t)}</b>`;
}

function setupSection(r: Recipe, recipeDataUri: string | null): string {
  const list = (xs: string[]) => xs.map((x) => `<code>${escapeHtml(x)}</code>`).join(' ');
  const src = r.model.source;
  const where = src.kind === 'hub' ? `hub ${src.repo}` : src.kind === 'url' ? src.url : 'local files';
  return `<section><h2>Setup</h2><table class="kv">
<tr><th>Model</th><td>${escapeHtml(r.model.label)} <span class="muted">(${escapeHtml(where)})</span></td></tr>
<tr><th>Weights</th><td><code>${escapeHtml(r.model.weightsFingerprint ?? 'unknown')}</code>${
    r.model.weightsBytes ? ` <span class="muted">${r.model.weightsBytes} bytes</span>` : ''
  }</td></tr>
<tr><th>Object</th><td>${escapeHtml(r.prompts.objectName)}</td></tr>
<tr><th>Normal states</th><td>${list(r.prompts.normalStates)}</td></tr>
<tr><th>Anomalous states</th><td>${list(r.prompts.anomalousStates)}</td></tr>
<tr><th>Templates</th><td>${r.prompts.templates.length}</td></tr>
<tr><th>References</th><td>${r.references.length === 0 ? 'none (zero-shot)' : r.references.map((x) => escapeHtml(x.name)).join(', ')}</td></tr>
</table>${
    recipeDataUri
      ? `<p><a download="recipe.json" href="${recipeDataUri}">Recipe file</a> (open it in the app or pass it to <code>winclip score --recipe</code>)</p>`
      : ''
  }</section>`;
}

export function htmlReport(input: ReportInput): string {
  const { rows } = input;
  const counts = verdictCounts(rows);
  const first = rows[0];
  const body = rows
    .map((r) => {
      const overlay = input.overlays.get(r.file);
      const verdict = r.verdict ?? r.status;
      const shown = r.status === 'unjudged' ? 'Not judged yet' : verdict;
      return `<tr class="v-${escapeHtml(verdict)}">
<td>${overlay ? `<img alt="${escapeHtml(r.file)}" src="${overlay}">` : ''}</td>
<td class="file">${escapeHtml(r.file)}</td>
<td>${r.width ?? '—'}×${r.height ?? '—'}</td>
<td>${escapeHtml(r.mode ?? '—')}</td>
<td>${r.k}</td>
<td class="num"${r.image_score === null ? '' : ` title="${r.image_score}"`}>${fmt(r.image_score)}</td>
<td class="verdict">${escapeHtml(shown)}</td>
<td class="num">${fmt(r.max_pixel)}</td>
<td class="num">${r.area_px ?? '—'} <span class="muted">(${fmt(r.area_percent, 2)} %)</span></td>
<td class="num">${r.regions ? r.regions.length : '—'}</td>
<td>${r.error ? escapeHtml(r.error) : ''}</td>
</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d232b; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.muted { color: #6b7683; } code { font: 12px ui-monospace, monospace; background: #f0f2f5; padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; } th, td { padding: 6px 10px; border-bottom: 1px solid #e2e6ea; text-align: left; vertical-align: middle; }
.kv th { width: 150px; color: #6b7683; font-weight: 500; }
.summary { display: flex; gap: 12px; } .summary div { padding: 10px 14px; border: 1px solid #e2e6ea; border-radius: 6px; }
.summary b { display: block; font-size: 20px; }
.num { font-variant-numeric: tabular-nums; text-align: right; }
.results img { width: 200px; display: block; border-radius: 4px; }
.verdict { font-weight: 700; } .v-OK .verdict { color: #1f9d55; } .v-NG .verdict { color: #d64545; }
.v-REVIEW .verdict { color: #6d28d9; } .v-unjudged .verdict { color: #6b7683; font-weight: 500; }
.file { font-family: ui-monospace, monospace; font-size: 12px; }
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<p class="muted">${escapeHtml(input.createdAt.toISOString())}${input.backend ? ` · ${escapeHtml(input.backend)}` : ''}${
    input.promptSet ? ` · prompt set ${escapeHtml(input.promptSet)}` : ''
  }</p>
<section class="summary" data-testid="summary">
<div>Images<b>${rows.length}</b></div><div>OK<b>${counts.ok}</b></div>${
    counts.review > 0 ? `<div>REVIEW<b>${counts.review}</b></div>` : ''
  }<div>NG<b>${counts.ng}</b></div>${
    counts.unjudged > 0
      ? `<div title="Scored while their mode had no threshold">Unjudged<b>${counts.unjudged}</b></div>`
      : ''
  }<div>Unscored<b>${counts.unscored}</b></div>
<div>Image threshold${thresholdCell(first?.image_threshold)}</div><div>Pixel threshold${thresholdCell(first?.pixel_threshold)}</div>
</section>
${input.recipe ? setupSection(input.recipe, input.recipeDataUri) : ''}
<section><h2>Images</h2><table class="results">
<thead><tr><th>Overlay</th><th>File</th><th>Size</th><th>Mode</th><th>K</th><th>Score</th><th>Verdict</th><th>Max pixel</th><th>Area ≥ pixel threshold</th><th>Regions</th><th></th></tr></thead>
<tbody>
${body}
</tbody></table></section>
</body></html>
`;
}
