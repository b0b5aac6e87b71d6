/** Turns an image's features into its result: zero-shot part (cheap, prompt-dependent) + the few-shot part → tile maps → full-resolution map. */
import { tileCareMask } from '../core/care-mask';
import { type DontCareArea, toRoiFrame } from '../core/inspection-region';
import { bilinearResize } from '../core/resize';
import type { ScoringParameters } from '../core/score-options';
import { type ClassPrototypes, type FewShotTile, scoreTile, type TileScore } from '../core/scoring';
import { meanTileScore, mergeTileMaps } from '../core/tiling';
import type { Geometry, ImageResult } from '../core/types';
import type { EncodedImage } from './api';
import { mapGeometry } from './passes';

/** Per-tile intermediate results, for parity checks and diagnostics. */
export interface DetailedResult extends ImageResult {
  tiles: TileScore[];
  tileMaps: Float32Array[];
}

/**
 * `ignore`: don't-care areas in image pixels; their cells leave the few-shot max-of-map term (the map
 * itself is not masked: every quantity read from it applies the same areas, see src/core/care-mask.ts).
 */
export function composeResult(
  enc: EncodedImage,
  protos: ClassPrototypes,
  geom: Geometry,
  params: ScoringParameters,
  fewShot: FewShotTile[] | null,
  maxMapSide?: number,
  ignore: readonly DontCareArea[] = [],
): DetailedResult {
  const S = geom.imageSize;
  const areas = ignore.map((a) => toRoiFrame(a, enc.roi));
  const care = (i: number) => (fewShot ? tileCareMask(areas, enc.boxes[i], geom.grid) : null);
  const tiles = enc.tiles.map((t, i) => scoreTile(t, protos, geom, params, fewShot?.[i] ?? null, care(i)));
  const tileMaps = tiles.map((t) => bilinearResize(t.grid, geom.grid, geom.grid, S, S));
  const { width, height, boxes } = mapGeometry(enc, maxMapSide);
  const result: DetailedResult = {
    width,
    height,
    imageScore: meanTileScore(tiles.map((t) => t.imageScore)),
    anomalyMap: mergeTileMaps(width, height, boxes, tileMaps, S),
    mode: fewShot ? 'few-shot' : 'zero-shot',
    tiles,
    tileMaps,
  };
  // Only with an ROI, so results without one keep exactly their old fields.
  if (enc.roi) result.roi = { ...enc.roi };
  return result;
}
