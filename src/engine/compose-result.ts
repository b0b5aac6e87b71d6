/** Turns an image's features into its result: zero-shot part (cheap, prompt-dependent) + the few-shot part → tile maps → full-resolution map. */
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

export function composeResult(
  enc: EncodedImage,
  protos: ClassPrototypes,
  geom: Geometry,
  params: ScoringParameters,
  fewShot: FewShotTile[] | null,
  maxMapSide?: number,
): DetailedResult {
  const S = geom.imageSize;
  const tiles = enc.tiles.map((t, i) => scoreTile(t, protos, geom, params, fewShot?.[i] ?? null));
  const tileMaps = tiles.map((t) => bilinearResize(t.grid, geom.grid, geom.grid, S, S));
  const { width, height, boxes } = mapGeometry(enc, maxMapSide);
  return {
    width,
    height,
    imageScore: meanTileScore(tiles.map((t) => t.imageScore)),
    anomalyMap: mergeTileMaps(width, height, boxes, tileMaps, S),
    mode: fewShot ? 'few-shot' : 'zero-shot',
    tiles,
    tileMaps,
  };
}
