/**
 * Questions the worker answers about an image's anomaly map: the gallery summary (score and a small
 * map), the detail view's layers, the figures reports need, the raw map, and regions explained with
 * state words. Each takes the scored result; the host finds it (cached, or scored again) and guards the call.
 */

import * as Comlink from 'comlink';
import { careMax, resultCareMask } from '../src/core/care-mask';
import { mapRange, mapRegions } from '../src/core/map-regions';
import type { ScoreOptions } from '../src/core/score-options';
import type { StateEmbedding, StateGroups } from '../src/core/state-words';
import type { ImageResult } from '../src/core/types';
import { type LooReference, medianPixel } from '../src/engine/calibration';
import type { WinclipEngine } from '../src/engine/engine';
import { explain, stateVocabulary } from '../src/engine/explain';
import type {
  DetailRender,
  DetailRenderOptions,
  ExplainResult,
  LooScore,
  MapReport,
  RawMap,
  ScoreSummary,
} from './protocol';
import { heatmapBitmap, outlineBitmap } from './render-bitmaps';

/** Side of the small maps sent with every score (gallery thumbnails). */
export const THUMB_MAP_SIDE = 160;

/**
 * Score and a thumbnail-sized map. The map is computed at preview resolution (not the photo's), so
 * re-scoring a gallery of 12-MP photos after a prompt edit stays fast; the detail view and exports
 * compute the full-resolution map on demand. Few-shot association runs on the inference device.
 */
export async function scoreSummary(
  engine: WinclipEngine,
  key: string,
  options: ScoreOptions = {},
): Promise<ScoreSummary> {
  const encoded = engine.getEncoded(key);
  if (!encoded) throw new Error('This image is not encoded yet');
  const preview = await engine.score(key, { ...options, maxMapSide: THUMB_MAP_SIDE });
  const { min, max } = mapRange(preview.anomalyMap);
  return {
    key,
    width: encoded.width,
    height: encoded.height,
    score: preview.imageScore,
    mode: preview.mode,
    bank: preview.mode === 'few-shot' ? engine.referenceKeys().length : 0,
    mapMin: min,
    mapMax: max,
    thumbMap: { width: preview.width, height: preview.height, data: preview.anomalyMap },
    ...(preview.roi && { roi: preview.roi }),
  };
}

/** The care mask of a full-resolution result under the don't-care areas it was scored with (null: none). */
const careOf = (r: ImageResult, options: ScoreOptions | undefined) =>
  resultCareMask(options?.setup?.ignore ?? [], r);

/** The detail view's heatmap and outline layers (transferred); peak and regions skip don't-care areas. */
export async function detailRender(
  result: ImageResult,
  opts: DetailRenderOptions,
  check: () => void,
  options?: ScoreOptions,
): Promise<DetailRender> {
  const heatmap = await heatmapBitmap(result, opts);
  check();
  const care = careOf(result, options);
  const { bitmap: outline, regions } = await outlineBitmap(result, opts.pixelThreshold, care);
  const out: DetailRender = {
    width: result.width,
    height: result.height,
    heatmap,
    outline,
    maxPixel: careMax(result.anomalyMap, care),
    areaAbove: regions.areaAbove,
    regions: regions.regions,
  };
  return Comlink.transfer(out, [heatmap, outline]);
}

/** Peak, area and regions at or above `pixelThreshold`, as reports need them, outside don't-care areas. */
export function mapReport(r: ImageResult, pixelThreshold: number, options?: ScoreOptions): MapReport {
  const care = careOf(r, options);
  const { regions } = mapRegions(r.anomalyMap, r.width, r.height, pixelThreshold, care);
  const areaAbove = regions.reduce((a, g) => a + g.area, 0);
  return {
    width: r.width,
    height: r.height,
    ...(r.roi && { roi: r.roi }),
    maxPixel: careMax(r.anomalyMap, care),
    areaAbove,
    areaAboveFraction: areaAbove / (r.width * r.height),
    regions: regions.map((g) => ({ box: g.box, area: g.area, peak: g.peak })),
  };
}

/** A copy of the full-resolution map (transferred): the cached result keeps its own for the detail view. */
export function rawMap(r: ImageResult): RawMap {
  const data = r.anomalyMap.slice();
  return Comlink.transfer({ width: r.width, height: r.height, data }, [data.buffer]);
}

/** Regions explained with state words; the state-word embeddings of the last groups are kept. */
export class RegionExplainer {
  private vocabulary: { key: string; states: StateEmbedding[] } | null = null;

  /** A new model: its state-word embeddings differ. */
  reset(): void {
    this.vocabulary = null;
  }

  async explain(
    engine: WinclipEngine,
    key: string,
    result: ImageResult,
    pixelThreshold: number,
    groups: StateGroups,
    check: () => void,
    options?: ScoreOptions,
  ): Promise<ExplainResult> {
    const vkey = JSON.stringify(groups);
    if (this.vocabulary?.key !== vkey) {
      this.vocabulary = { key: vkey, states: await stateVocabulary(engine, groups) };
    }
    check();
    const care = careOf(result, options);
    const e = explain(engine, key, result, pixelThreshold, this.vocabulary.states, undefined, care);
    return {
      width: result.width,
      height: result.height,
      pixelThreshold,
      regions: e.regions.map((r) => ({
        box: r.box,
        area: r.area,
        areaFraction: r.areaFraction,
        peak: r.peak,
        state: r.state?.state ?? null,
        stateShare: r.state?.share ?? null,
      })),
      imageStates: e.imageStates.map((m) => ({ state: m.state, cls: m.cls, share: m.share })),
    };
  }
}

/** A leave-one-out result as the page receives it (the median pixel stands in for the whole map). */
export function looScore(r: LooReference): LooScore {
  return { key: r.key, imageScore: r.imageScore, maxPixel: r.maxPixel, medianPixel: medianPixel(r) };
}
