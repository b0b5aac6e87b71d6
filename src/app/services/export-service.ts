/**
 * Exports: results as CSV or JSON, one overlay PNG, every overlay in a ZIP, the raw maps as float32
 * .npy with annotated overlays in a ZIP, and a self-contained HTML report of the session.
 */

import { version as appVersion } from '../../../package.json';
import type { ExplainResult, MapReport, OverlayCaption } from '../../../workers/protocol';
import { errorText } from '../../core/errors';
import { mapFileNames, safeRelativePath, uniquePaths } from '../../core/map-files';
import { METHOD_SETTINGS } from '../../core/method-settings';
import { type MuscSettings, muscSettings } from '../../core/musc/settings';
import { bytesToBase64, serializeRecipe } from '../../core/recipe';
import {
  inspectionProvenance,
  methodProvenance,
  promptSetId,
  type ResultsProvenance,
  thresholdProvenance,
} from '../../core/results-format';
import { referenceCount, thresholdKey } from '../../core/scoring-mode';
import type { ModelInfo } from '../../engine/api';
import { npyHeader } from '../../io/npy';
import type { ZipItem } from '../../io/zip-stream';
import { baseName, downloadBlob, stamp } from '../export/download';
import { htmlReport } from '../export/html-report';
import { type RowContext, type RowExtras, resultRows, toCsv, toJson } from '../export/results';
import { chooseZipTarget, saveZip } from '../export/save-zip';
import {
  currentMode,
  currentModeKey,
  imageModeKey,
  imagePolicy,
  labelOf,
  normalRange,
  useCalib,
} from '../state/calibration';
import { setExportProgress, useExportProgress } from '../state/export-progress';
import { heatmapStyleFor } from '../state/heatmap-style';
import { useInspectionSetup } from '../state/inspection-setup';
import { scoreVerdictOrNull } from '../state/judging';
import { useSessions } from '../state/session-store';
import { DEFAULT_THRESHOLDS, notify, useApp } from '../state/store';
import type { InspectedImage } from '../state/types';
import { engine } from './engine-service';
import { explainWithCurrentPrompts } from './explain-service';
import { promptSetOf } from './prompt-service';
import { buildRecipe } from './recipe-service';

/** The lot settings the worker uses for this model (the app keeps the defaults), or none without a model. */
function lotSettingsOf(info: ModelInfo | null): MuscSettings | undefined {
  return info
    ? muscSettings({ blocks: info.visionLayers, imageSize: info.imageSize, patchSize: info.patchSize })
    : undefined;
}

/** Marks, each image's own-mode thresholds, and its regions with state words (asked of the worker). */
async function rowExtras(onImage?: (done: number, total: number) => void): Promise<RowExtras> {
  const s = useApp.getState();
  const { byMode, labels } = useCalib.getState();
  const current = currentModeKey(s);
  const thresholds = (im: InspectedImage) => {
    const mode = imageModeKey(im);
    if (mode === null) return null;
    const t = mode === current ? s.thresholds : (byMode[mode] ?? DEFAULT_THRESHOLDS);
    return { mode, image: t.image, pixel: t.pixel, policy: imagePolicy(im, current, s.thresholds, byMode) };
  };
  const explanations = new Map<string, ExplainResult>();
  for (const [i, im] of s.images.entries()) {
    onImage?.(i, s.images.length);
    const t = thresholds(im);
    // A lot score has no state words (no prompts): its regions come from the map report.
    if (!t || im.status !== 'done' || im.result?.mode === 'lot') continue;
    try {
      explanations.set(im.id, await explainWithCurrentPrompts(undefined, im.id, t.pixel));
    } catch (err) {
      notify('error', `Regions of ${im.name} are left out of the export: ${errorText(err)}`);
    }
  }
  return { label: (im) => labelOf(labels, im), thresholds, explanations };
}

function scoredImages(): InspectedImage[] {
  return useApp.getState().images.filter((im) => im.status === 'done' && im.result);
}

function rowContext(): RowContext {
  const s = useApp.getState();
  const src = s.model.source;
  return {
    thresholds: s.thresholds,
    k: referenceCount(currentMode(s)),
    model: src ? (src.kind === 'hub' ? src.repo : src.label) : null,
    weights: s.model.weightsFingerprint,
    promptSet: promptSetId(promptSetOf(s.prompts)),
  };
}

/** Max pixel, area and regions of each scored image's full-resolution map at the pixel threshold. */
async function mapReports(images: InspectedImage[]): Promise<Map<string, MapReport>> {
  const pixel = useApp.getState().thresholds.pixel;
  const out = new Map<string, MapReport>();
  for (const im of images) {
    if (im.status === 'done' && im.result) out.set(im.id, await engine().mapReport(undefined, im.id, pixel));
  }
  return out;
}

/** The results document's top: model identity, prompts, thresholds, method, session and tool. */
function exportProvenance(): ResultsProvenance {
  const s = useApp.getState();
  const src = s.model.source;
  const mode = currentMode(s);
  const sessions = useSessions.getState();
  const session = sessions.sessions.find((x) => x.id === sessions.activeId);
  const { roi, ignore } = useInspectionSetup.getState().setup;
  const inspection = inspectionProvenance(roi, ignore);
  return {
    created: new Date().toISOString(),
    tool: { name: 'winclip-app', version: appVersion },
    model: {
      name: src?.label ?? null,
      repo: src?.kind === 'hub' ? src.repo : null,
      path: src?.kind === 'url' ? src.baseUrl : src?.kind === 'local' ? src.label : null,
      // The hub commit the loaded files came from (null for local files and folder URLs).
      commit: s.model.info?.commit ?? null,
      weights_fingerprint: s.model.weightsFingerprint,
    },
    prompt_set: promptSetId(promptSetOf(s.prompts)),
    thresholds: thresholdProvenance(
      mode,
      s.thresholds,
      useCalib.getState().byMode[thresholdKey(mode)]?.source ?? null,
    ),
    method: methodProvenance(METHOD_SETTINGS, mode, lotSettingsOf(s.model.info)),
    ...(inspection ? { inspection } : {}),
    ...(session
      ? { session: { name: session.name, part: session.part, lot: session.lot, station: session.station } }
      : {}),
  };
}

async function rowsNow(onImage?: (done: number, total: number) => void) {
  const { images } = useApp.getState();
  return resultRows(images, { ...rowContext(), extras: await rowExtras(onImage) }, await mapReports(images));
}

export async function exportCsv(): Promise<void> {
  try {
    const csv = toCsv(await rowsNow(), rowContext());
    downloadBlob(new Blob([csv], { type: 'text/csv' }), `winclip-results-${stamp()}.csv`);
  } catch (err) {
    notify('error', `CSV export failed: ${errorText(err)}`);
  }
}

export async function exportJson(): Promise<void> {
  try {
    const s = useApp.getState();
    const set = promptSetOf(s.prompts);
    const json = toJson(await rowsNow(), exportProvenance(), {
      backend: s.engine.backend,
      prompts: { ...s.prompts, counts: { normal: set.normal.length, anomalous: set.anomalous.length } },
      references: s.references.filter((r) => r.status === 'ready').map((r) => r.name),
      thresholdsByMode: Object.fromEntries(
        Object.entries(useCalib.getState().byMode).map(([k, e]) => [
          k,
          {
            image: e.image,
            pixel: e.pixel,
            source: e.source,
            ...(e.review !== undefined ? { review: e.review } : {}),
            ...(e.minArea ? { min_region_area: e.minArea } : {}),
          },
        ]),
      ),
    });
    downloadBlob(new Blob([json], { type: 'application/json' }), `winclip-results-${stamp()}.json`);
  } catch (err) {
    notify('error', `JSON export failed: ${errorText(err)}`);
  }
}

/** Score and verdict for an annotated overlay. */
function captionOf(image: InspectedImage): OverlayCaption | undefined {
  if (!image.result) return undefined;
  const s = useApp.getState();
  const policy = imagePolicy(image, currentModeKey(s), s.thresholds, useCalib.getState().byMode);
  const verdict = scoreVerdictOrNull(image.result.score, policy);
  return { text: `${image.result.score.toFixed(4)} · ${image.name}`, verdict };
}

/**
 * Renders the overlay as configured in the detail view, at the image's full resolution; `annotated`
 * always draws the outline and adds the score and verdict bar.
 */
async function renderOverlay(image: InspectedImage, annotated = false): Promise<Blob> {
  const s = useApp.getState();
  const normal = normalRange(useCalib.getState().loo, currentModeKey(s));
  // Unjudged (no threshold for its mode): the image's own scale, as its card and detail view show it.
  const judged = imagePolicy(image, currentModeKey(s), s.thresholds, useCalib.getState().byMode) !== null;
  const style = heatmapStyleFor(s.settings, image, s.images, s.thresholds.pixel, normal?.low ?? null, judged);
  return engine().renderOverlayPng(undefined, image.id, image.file, {
    ...style,
    pixelThreshold: s.thresholds.pixel,
    opacity: s.settings.heatmapOpacity,
    showHeatmap: s.settings.showHeatmap,
    showOutline: annotated || s.settings.showOutline,
    caption: annotated ? captionOf(image) : undefined,
  });
}

export async function exportOverlay(image: InspectedImage): Promise<void> {
  try {
    downloadBlob(await renderOverlay(image), `${baseName(image.name)}-overlay.png`);
  } catch (err) {
    notify('error', `Overlay export failed: ${errorText(err)}`);
  }
}

/** Unique download names per image (two photos may share a name). */
function uniqueBases(images: InspectedImage[]): string[] {
  const used = new Set<string>();
  return images.map((im) => {
    let base = baseName(im.name);
    for (let i = 2; used.has(base); i++) base = `${baseName(im.name)}-${i}`;
    used.add(base);
    return base;
  });
}

async function pngBytes(png: Blob): Promise<Uint8Array> {
  return new Uint8Array(await png.arrayBuffer());
}

/**
 * Writes a ZIP of `entries(images, bases)`, made one entry at a time as the archive is written, with
 * its progress in the top bar. The save picker opens first, while the click still counts as a gesture.
 */
async function exportZip(
  what: string,
  fileName: string,
  entriesPerImage: number,
  entries: (images: InspectedImage[], bases: string[]) => AsyncGenerator<ZipItem>,
): Promise<void> {
  const scored = scoredImages();
  if (scored.length === 0 || useExportProgress.getState().current) return;
  const target = await chooseZipTarget(fileName);
  if (!target) return;
  const total = scored.length * entriesPerImage;
  const label = `${what} ZIP`;
  setExportProgress({ label, done: 0, total });
  async function* counted(): AsyncGenerator<ZipItem> {
    let done = 0;
    for await (const item of entries(scored, uniqueBases(scored))) {
      yield item;
      // Resumed once the archive has taken the whole entry.
      setExportProgress({ label, done: ++done, total });
    }
  }
  try {
    await saveZip(target, counted());
  } catch (err) {
    notify('error', `${what} export failed: ${errorText(err)}`);
  } finally {
    setExportProgress(null);
  }
}

export function exportAllOverlays(): Promise<void> {
  return exportZip('Overlay', `winclip-overlays-${stamp()}.zip`, 1, async function* (images, bases) {
    for (const [i, im] of images.entries()) {
      yield { name: `${bases[i]}-overlay.png`, data: await pngBytes(await renderOverlay(im)) };
    }
  });
}

/**
 * Every scored image's raw map and annotated overlay, named as `winclip score --maps` names them
 * (src/core/map-files.ts): `<name>.npy` (float32 (H, W)) and `<name>.overlay.png`, folders of dropped
 * folders kept.
 */
export function exportMaps(): Promise<void> {
  return exportZip('Map', `winclip-maps-${stamp()}.zip`, 2, async function* (images) {
    const paths = uniquePaths(images.map((im) => safeRelativePath(im.name)));
    for (const [i, im] of images.entries()) {
      const names = mapFileNames(paths[i]);
      const map = await engine().rawMap(undefined, im.id);
      const data = new Uint8Array(map.data.buffer, map.data.byteOffset, map.data.byteLength);
      yield { name: names.npy, data: [npyHeader([map.height, map.width]), data] };
      yield { name: names.overlay, data: await pngBytes(await renderOverlay(im, true)) };
    }
  });
}

/** Longest side of the overlays embedded in the report (keeps a report of 12-MP photos small). */
const REPORT_OVERLAY_SIDE = 480;

async function reportOverlayUri(image: InspectedImage): Promise<string> {
  const png = await renderOverlay(image, true);
  const bitmap = await createImageBitmap(png);
  const scale = Math.min(1, REPORT_OVERLAY_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = new OffscreenCanvas(
    Math.max(1, Math.round(bitmap.width * scale)),
    Math.max(1, Math.round(bitmap.height * scale)),
  );
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const small = await canvas.convertToBlob({ type: 'image/png' });
  return `data:image/png;base64,${bytesToBase64(new Uint8Array(await small.arrayBuffer()))}`;
}

export async function exportReport(): Promise<void> {
  if (useExportProgress.getState().current) return;
  try {
    const s = useApp.getState();
    // Regions with state words, then one overlay per image: seconds per image, so the top bar counts them.
    const n = s.images.length;
    const rows = await rowsNow((done) => setExportProgress({ label: 'Report: regions', done, total: n }));
    const overlays = new Map<string, string>();
    for (const [i, im] of s.images.entries()) {
      setExportProgress({ label: 'Report: overlays', done: i, total: n });
      if (im.status === 'done' && im.result && !overlays.has(im.name)) {
        overlays.set(im.name, await reportOverlayUri(im));
      }
    }
    setExportProgress({ label: 'Report: writing', done: n, total: n });
    const recipe = s.model.source ? await buildRecipe() : null;
    const recipeDataUri = recipe
      ? `data:application/json;base64,${bytesToBase64(new TextEncoder().encode(serializeRecipe(recipe)))}`
      : null;
    const html = htmlReport({
      title: `Inspection report · ${s.prompts.objectName}`,
      createdAt: new Date(),
      rows,
      overlays,
      recipe,
      recipeDataUri,
      backend: s.engine.backend,
      promptSet: promptSetId(promptSetOf(s.prompts)),
    });
    downloadBlob(new Blob([html], { type: 'text/html' }), `winclip-report-${stamp()}.html`);
  } catch (err) {
    notify('error', `Report export failed: ${errorText(err)}`);
  } finally {
    setExportProgress(null);
  }
}
