/** Exports: results as CSV or JSON, one overlay PNG, or every overlay in a ZIP. */

import { errorText } from '../../core/errors';
import { baseName, downloadBlob, stamp } from '../export/download';
import { resultRows, toCsv, toJson } from '../export/results';
import { zipStore } from '../export/zip';
import { rangeFor } from '../state/selectors';
import { notify, useApp } from '../state/store';
import type { InspectedImage } from '../state/types';
import { engine } from './engine-service';
import { promptSetOf } from './prompt-service';

export function exportCsv(): void {
  const { images, thresholds } = useApp.getState();
  downloadBlob(
    new Blob([toCsv(resultRows(images, thresholds), thresholds)], { type: 'text/csv' }),
    `winclip-results-${stamp()}.csv`,
  );
}

export function exportJson(): void {
  const s = useApp.getState();
  const set = promptSetOf(s.prompts);
  const json = toJson(resultRows(s.images, s.thresholds), {
    model: { label: s.model.source?.label ?? null, info: s.model.info, backend: s.engine.backend },
    prompts: s.prompts,
    promptCounts: { normal: set.normal.length, anomalous: set.anomalous.length },
    thresholds: s.thresholds,
    references: s.references.filter((r) => r.status === 'ready').map((r) => r.name),
  });
  downloadBlob(new Blob([json], { type: 'application/json' }), `winclip-results-${stamp()}.json`);
}

/** Renders the overlay exactly as configured in the detail view, at the image's full resolution. */
export async function renderOverlay(image: InspectedImage): Promise<Blob> {
  const s = useApp.getState();
  const range = rangeFor(s.settings.rangeMode, image, s.images);
  return engine().renderOverlayPng(undefined, image.id, image.file, {
    colormap: s.settings.colormap,
    range,
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
