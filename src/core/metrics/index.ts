/** Evaluation metrics of the paper (METHOD.md §5). Pure: no I/O. */
export { labelComponents8, type MaskRegions, maskRegions } from './components';
export { auroc, averagePrecision, f1Max, type ImageMetrics, imageMetrics } from './image-metrics';
export {
  DEFAULT_BIN_SHIFT,
  DEFAULT_EXACT_PIXEL_LIMIT,
  type PixelAccumulatorOptions,
  type PixelMetrics,
  PixelMetricsAccumulator,
  type PixelMetricsReport,
  pixelMetrics,
} from './pixel-metrics';
export { keyOf, valueFromKey } from './score-key';
export { DescendingSweep, PRO_FPR_LIMIT, type SweepResult, type SweepTotals } from './sweep';
