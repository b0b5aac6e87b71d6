/**
 * Per-call scoring options (ablations of the paper's Tables 3 and 8, previews) and their resolution
 * against the method settings: `scoringParameters` is the one place where a default is applied.
 */
import type { InspectionSetup } from './inspection-region';
import { type Aggregation, METHOD_SETTINGS, type MethodSettings } from './method-settings';

/** Options of scoring; anything left out comes from the engine's method settings. */
export interface ScoreOptions {
  /** Softmax temperature τ. */
  temperature?: number;
  /** Include the image-scale map in the zero-shot multi-scale mean. */
  useImageScale?: boolean;
  /** Window scales used (a subset of those encoded). */
  scales?: readonly number[];
  /** How per-window scores are pooled into cells and zero-shot maps are combined. */
  aggregation?: Aggregation;
  /** Force zero-shot even when references are loaded. */
  zeroShotOnly?: boolean;
  /**
   * Compute the anomaly map at most this many pixels on its longer side (a preview, e.g. for
   * thumbnails of 12-MP photos); the result's width/height are then the map's. Scores are unaffected.
   */
  maxMapSide?: number;
  /**
   * Where the station looks. Its ROI must be the one the image was encoded with (the crop happens
   * before encoding: WinclipEngine.encode's `roi`); its don't-care areas leave their cells out of the
   * few-shot image score's max-of-map term. Absent: the whole image, every cell.
   */
  setup?: InspectionSetup;
}

/** Every parameter the scoring arithmetic needs, decided. */
export interface ScoringParameters {
  temperature: number;
  useImageScale: boolean;
  scales: readonly number[];
  aggregation: Aggregation;
  fewShotWeight: number;
}

export function scoringParameters(
  options: ScoreOptions = {},
  settings: MethodSettings = METHOD_SETTINGS,
): ScoringParameters {
  return {
    temperature: options.temperature ?? settings.temperature,
    useImageScale: options.useImageScale ?? settings.useImageScale,
    scales: options.scales ?? settings.windowScales,
    aggregation: options.aggregation ?? settings.aggregation,
    fewShotWeight: settings.fewShotWeight,
  };
}
