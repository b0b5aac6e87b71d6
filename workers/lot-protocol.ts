/**
 * The lot mode's part of the worker contract (MuSc: the gallery's images scored against each other).
 * Everything here is structured-cloneable, like the rest of workers/protocol.ts.
 */
import type { InspectionSetup } from '../src/core/inspection-region';
import type { ScoreSummary, StoredInfo } from './protocol';

/** Lot settings the caller may override (defaults: src/core/musc/settings.ts for the loaded model). */
export interface LotOptions {
  /** 0-based blocks whose outputs are used. */
  layers?: number[];
  /** Input side S. */
  size?: number;
  /**
   * The inspection region and don't-care areas (image pixels). Every image is cropped to the ROI before
   * it joins the lot, as `winclip score --method musc --roi` does; a different ROI starts a new lot. The
   * areas are left out of what is read from the maps (peak pixel, regions, outlines); the lot's scores
   * themselves come from the whole crop, as in the CLI.
   */
  setup?: InspectionSetup;
}

/** An image added to the lot: its size, thumbnail and how its tokens were found. */
export interface LotAdded extends StoredInfo {
  key: string;
  /** The decoded image's size (the frame; with an ROI the lot scored its crop). */
  width: number;
  height: number;
  thumb: ImageBitmap;
  /** Milliseconds spent on its tokens (0 when they came from storage) and its new pairs. */
  encodeMs: number;
}

/**
 * One image of a scored lot. `score` (what thresholds apply to) is the max of the map before RsCIN,
 * comparable from lot to lot; `lotScore` is the final RsCIN score, min-max normalised within the lot.
 */
export interface LotImageSummary extends ScoreSummary {
  lotScore: number;
}

export type LotSummary =
  | { ready: true; n: number; need: number; images: LotImageSummary[] }
  | { ready: false; n: number; need: number; more: number; message: string };

/** What the lot holds and has computed (tests prove incremental pairs with these). */
export interface LotStats {
  size: number;
  /** Unordered pairs whose nearest distances were computed since the lot was made. */
  pairsComputed: number;
  /** Images whose tokens were computed by the device (not read from storage). */
  imagesEncoded: number;
  /** Images whose tokens came from storage. */
  tokensFromStore: number;
  /** Bytes of features and pair distances the lot holds. */
  bytes: number;
  /** The settings in use (null before the first image). */
  settings: { layers: number[]; size: number; rList: number[] } | null;
}
