/** The detail view's layers (heatmap, outline and region figures), rendered in the worker at full size. */
import type { DetailRender, DetailRenderOptions } from '../../../workers/protocol';
import { engine } from './engine-service';

export function renderDetail(
  signal: AbortSignal,
  imageId: string,
  opts: DetailRenderOptions,
): Promise<DetailRender> {
  return engine().renderDetail(signal, imageId, opts);
}
