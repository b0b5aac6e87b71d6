/** Exports: results as CSV or JSON, one overlay PNG, or every overlay in a ZIP. */

import type { ExplainResult } from '../../../workers/protocol';
import { errorText } from '../../core/errors';
import { baseName, downloadBlob, stamp } from '../export/download';
import { type RowExtras, resultRows, toCsv, toJson } from '../export/results';
import { zipStore } from '../export/zip';
import { currentModeKey, imageModeKey, labelOf, normalRange, useCalib } from '../state/calibration';
import { heatmapStyleFor } from '../state/heatmap-style';
import { DEFAULT_THRESHOLDS, notify, useApp } from '../state/store';
import type { InspectedImage } from '../state/types';
import { engine } from './engine-service';
import { explainImage } from './explain-service';
import { promptSetOf } from './prompt-service';

/** Marks, each image's own-mode thresholds, and its regions with state words (asked of the worker). */
async function rowExtras(): Promise<RowExtras> {
  const s = useApp.getState();
  const { byMode, labels } = useCalib.getState();
  const current = currentModeKey(s);
  const thresholds = (im: InspectedImage) => {
    const mode = imageModeKey(im);
    if (mode === null) return null;
    const t = mode === current ? s.thresholds : (byMode[mode] ?? DEFAULT_THRESHOLDS);
    return { mode, image: t.image, pixel: t.pixel };
  };
  const explanations = new Map<string, ExplainResult>();
  for (const im of s.images) {
    const t = thresholds(im);
    if (!t || im.status !== 'done') continue;
    try {
      explanations.set(im.id, await explainImage(undefined, im.id, t.pixel));
    } catch (err) {
      notify('error', `Regions of ${im.name} are left out of the export: ${errorText(err)}`);
    }
  }
  return { label: (im) => labelOf(labels, im), thresholds, explanations };
}

export async function exportCsv(): Promise<void> {
  const extras = await rowExtras();
  const { images, thresholds } = useApp.getState();
  downloadBlob(
    new Blob([toCsv(resultRows(images, thresholds, extras), thresholds)], { type: 'text/csv' }),
    `winclip-results-${stamp()}.csv`,
  );
}

export async function exportJson(): Promise<void> {
  const extras = await rowExtras();
  const s = useApp.getState();
  const set = promptSetOf(s.prompts);
  const json = toJson(resultRows(s.images, s.thresholds, extras), {
    model: { label: s.model.source?.label ?? null, info: s.model.info, backend: s.engine.backend },
    prompts: s.prompts,
    promptCounts: { normal: set.normal.length, anomalous: set.anomalous.length },
    thresholds: s.thresholds,
    references: s.references.filter((r) => r.status === 'ready').map((r) => r.name),
    thresholdsByMode: Object.fromEntries(
      Object.entries(useCalib.getState().byMode).map(([k, e]) => [
        k,
        { image: e.image, pixel: e.pixel, source: e.source },
      ]),
    ),
  });
  downloadBlob(new Blob([json], { type: 'application/json' }), `winclip-results-${stamp()}.json`);
}

/** Renders the overlay exactly as configured in the detail view, at the image's full resolution. */
export async function renderOverlay(image: InspectedImage): Promise<Blob> {
  const s = useApp.getState();
  const normal = normalRange(useCalib.getState().loo, currentModeKey(s));
  const style = heatmapStyleFor(s.settings, image, s.images, s.thresholds.pixel, normal?.low ?? null);
  return engine().renderOverlayPng(undefined, image.id, image.file, {
    ...style,
    pixelThreshold: s.thresholds.pixel,
    opacity: s.settings.heatmapOpacity,
    showHeatmap: s.settings.showHeatmap,
    showOutline: s.settings.showOutline,
  });
}

export async function exportOverlay(image: InspectedImage): Promise<void> {
  try {
    downloadBlob(await renderOverlay(image), `${baseName(image.name)}-overlay.png`);
  } catch (err) {
    notify('error', `Overlay export failed: ${errorText(err)}`);
  }
}

export async function exportAllOverlays(): Promise<void> {
  const scored = useApp.getState().images.filter((im) => im.status === 'done' && im.result);
  if (scored.length === 0) return;
  try {
    const used = new Set<string>();
    const entries = [];
    for (const im of scored) {
      let name = `${baseName(im.name)}-overlay.png`;
      for (let i = 2; used.has(name); i++) name = `${baseName(im.name)}-${i}-overlay.png`;
      used.add(name);
      entries.push({ name, data: new Uint8Array(await (await renderOverlay(im)).arrayBuffer()) });
    }
    downloadBlob(zipStore(entries), `winclip-overlays-${stamp()}.zip`);
  } catch (err) {
    notify('error', `Overlay export failed: ${errorText(err)}`);
  }
}
