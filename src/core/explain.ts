/**
 * Why an image is NG: the regions above the pixel threshold, each with the anomalous state word its
 * window embeddings resemble most, and the state words of the whole image. A region's embedding is the
 * mean of the unit window embeddings (every encoded scale) whose k×k cells touch the region: map pixel
 * → image pixel → tile → grid cell → windows.
 */
import { type MapRegion, mapRegions } from './map-regions';
import { imageStates, rankStates, type StateEmbedding, type StateMatch } from './state-words';
import type { Box, Geometry, TileFeatures } from './types';

/** What explanation needs of an encoded image (the engine's EncodedImage fits). */
export interface EncodedTiles {
  width: number;
  height: number;
  boxes: Box[];
  tiles: TileFeatures[];
}

/**
 * For each region label 1..count and each tile: a g×g mask of the cells its pixels fall in. Map pixels
 * are taken at their centres and scaled to the image when the map is smaller (ScoreOptions.maxMapSide).
 */
export function regionCells(
  labels: Int32Array,
  count: number,
  mapWidth: number,
  mapHeight: number,
  enc: Pick<EncodedTiles, 'width' | 'height' | 'boxes'>,
  grid: number,
): Uint8Array[][] {
  if (labels.length !== mapWidth * mapHeight)
    throw new Error(`regionCells: ${labels.length} labels for a ${mapWidth}×${mapHeight} map`);
  const cells = Array.from({ length: count + 1 }, () => enc.boxes.map(() => new Uint8Array(grid * grid)));
  const fx = enc.width / mapWidth;
  const fy = enc.height / mapHeight;
  for (let y = 0; y < mapHeight; y++) {
    const Y = (y + 0.5) * fy;
    for (let x = 0; x < mapWidth; x++) {
      const l = labels[y * mapWidth + x];
      if (l === 0) continue;
      const X = (x + 0.5) * fx;
      enc.boxes.forEach(([bl, bt, br, bb], t) => {
        if (X < bl || X >= br || Y < bt || Y >= bb) return;
        const cx = Math.min(grid - 1, Math.floor(((X - bl) * grid) / (br - bl)));
        const cy = Math.min(grid - 1, Math.floor(((Y - bt) * grid) / (bb - bt)));
        cells[l][t][cy * grid + cx] = 1;
      });
    }
  }
  return cells;
}

/** Indices of the k×k windows (row-major top-left corners, as windowIndices) touching any marked cell. */
export function windowsTouching(cells: Uint8Array, grid: number, k: number): number[] {
  const side = grid - k + 1;
  const hit = new Uint8Array(side * side);
  for (let cy = 0; cy < grid; cy++) {
    for (let cx = 0; cx < grid; cx++) {
      if (!cells[cy * grid + cx]) continue;
      for (let wy = Math.max(0, cy - k + 1); wy <= Math.min(cy, side - 1); wy++)
        for (let wx = Math.max(0, cx - k + 1); wx <= Math.min(cx, side - 1); wx++) hit[wy * side + wx] = 1;
    }
  }
  const out: number[] = [];
  for (let j = 0; j < hit.length; j++) if (hit[j]) out.push(j);
  return out;
}

/** The model geometry plus the window scales the image was encoded with. */
export type ExplainGeometry = Pick<Geometry, 'grid' | 'embedDim'> & { scales: readonly number[] };

/** Mean of the unit window embeddings touching the region's cells, over tiles and scales; null if none. */
export function regionEmbedding(
  cellsPerTile: readonly Uint8Array[],
  tiles: readonly TileFeatures[],
  geom: ExplainGeometry,
): Float64Array | null {
  const { grid, embedDim: E } = geom;
  const acc = new Float64Array(E);
  let n = 0;
  tiles.forEach((tile, t) => {
    for (const k of geom.scales) {
      const w = tile.windowEmbeddings.get(k);
      if (!w) throw new Error(`regionEmbedding: tile ${t} has no scale-${k} windows`);
      for (const j of windowsTouching(cellsPerTile[t], grid, k)) {
        let ss = 0;
        for (let d = 0; d < E; d++) ss += w[j * E + d] ** 2;
        const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
        for (let d = 0; d < E; d++) acc[d] += w[j * E + d] * inv;
        n++;
      }
    }
  });
  if (n === 0) return null;
  for (let d = 0; d < E; d++) acc[d] /= n;
  return acc;
}

export interface RegionExplanation extends MapRegion {
  /** The anomalous state word closest to the region (null when no window touches it). */
  state: StateMatch | null;
  /** The closest normal state word. */
  normalState: StateMatch | null;
  /** Every anomalous state, closest first; shares are a softmax over the anomalous states only. */
  anomalousStates: StateMatch[];
}

export interface Explanation {
  regions: RegionExplanation[];
  /** Every state (normal and anomalous) for the whole image, largest share first. */
  imageStates: StateMatch[];
}

export interface MapLike {
  width: number;
  height: number;
  anomalyMap: Float32Array;
}

export function explainImage(
  enc: EncodedTiles,
  result: MapLike,
  pixelThreshold: number,
  states: readonly StateEmbedding[],
  geom: ExplainGeometry,
  temperature: number,
  care: Uint8Array | null = null,
): Explanation {
  const anomalous = states.filter((s) => s.cls === 'anomalous');
  const normal = states.filter((s) => s.cls === 'normal');
  const { labels, regions } = mapRegions(
    result.anomalyMap,
    result.width,
    result.height,
    pixelThreshold,
    care,
  );
  const cells = regionCells(labels, regions.length, result.width, result.height, enc, geom.grid);
  const explained = regions.map((r): RegionExplanation => {
    const e = regionEmbedding(cells[r.label], enc.tiles, geom);
    const ranked = e && anomalous.length > 0 ? rankStates(e, anomalous, temperature) : [];
    const normalRanked = e && normal.length > 0 ? rankStates(e, normal, temperature) : [];
    return { ...r, state: ranked[0] ?? null, normalState: normalRanked[0] ?? null, anomalousStates: ranked };
  });
  return {
    regions: explained,
    imageStates: imageStates(
      enc.tiles.map((t) => t.imageEmbedding),
      states,
      temperature,
    ),
  };
}
