/** Evaluation metrics of the paper (METHOD.md §5). Pure: no I/O. */
export { type MaskRegions, maskRegions } from './components';
export { auroc, type ImageMetrics, imageMetrics } from './image-metrics';
export { type PixelMetrics, PixelMetricsAccumulator } from './pixel-metrics';
