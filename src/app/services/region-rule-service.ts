/**
 * The region rule's regions for the gallery: while a mode's policy has a minimum region area, each of
 * its scored images needs the regions of its full-resolution map at the pixel threshold (the worker's
 * `mapReport`, the same figures the exports use), so cards, counters and filters decide as the CLI does.
 * Asked one image at a time after the queue; a new score or pixel threshold asks again.
 */
import { errorText } from '../../core/errors';
import { ownModePolicy, useCalib } from '../state/calibration';
import { needsRegions } from '../state/judging';
import { type ReportedRegions, useRegionReports } from '../state/region-reports';
import { notify, useApp } from '../state/store';
import type { ImageScore, InspectedImage } from '../state/types';
import { engine } from './engine-service';

/** Images whose policy has the region rule and whose regions are missing or stale, with their pixel threshold. */
function wanted(): { im: InspectedImage; pixel: number }[] {
  const s = useApp.getState();
  const policyOf = ownModePolicy(s);
  const { byId } = useRegionReports.getState();
  const out: { im: InspectedImage; pixel: number }[] = [];
  for (const im of s.images) {
    if (im.status !== 'done' || !im.result) continue;
    const p = policyOf(im);
    if (!p || !needsRegions(p) || p.pixelThreshold === undefined) continue;
    const r = byId[im.id];
    if (!r || r.result !== im.result || r.pixel !== p.pixelThreshold)
      out.push({ im, pixel: p.pixelThreshold });
  }
  return out;
}

let running = false;

async function fill(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (;;) {
      const s = useApp.getState();
      if (s.queue.running || s.engine.status !== 'ready') return;
      const next = wanted()[0];
      if (!next) return;
      const { im, pixel } = next;
      const result = im.result as ImageScore;
      const rep = await engine().mapReport(undefined, im.id, pixel);
      const entry: ReportedRegions = {
        result,
        pixel,
        inspectedPx: rep.width * rep.height,
        regions: rep.regions.map((g) => ({ areaPx: g.area, peak: g.peak })),
      };
      useRegionReports.setState((r) => ({ byId: { ...r.byId, [im.id]: entry } }));
    }
  } catch (err) {
    notify('error', `The region rule could not read a map: ${errorText(err)}`);
  } finally {
    running = false;
  }
}

/** Follows the gallery and the policies; call once at start. */
export function startRegionRule(): void {
  const kick = () => void fill();
  useApp.subscribe((s, prev) => {
    if (s.images !== prev.images || s.thresholds !== prev.thresholds || s.queue !== prev.queue) kick();
  });
  useCalib.subscribe((c, prev) => {
    if (c.byMode !== prev.byMode) kick();
  });
  kick();
}
