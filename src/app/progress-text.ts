/** Progress events worded for the UI (the worker and loaders send data, not sentences). */
import type { ProgressEvent } from './state/types';

const STAGE_TEXT = {
  model: 'Building the image and text encoders',
  prompts: 'Embedding prompts',
  rescore: 'Re-scoring',
} as const;

export function progressText(p: ProgressEvent): string {
  if (p.kind === 'download') {
    if (p.from === 'cache') return `Reading ${p.file} from the cache`;
    return p.from === 'local' ? `Reading ${p.file}` : `Downloading ${p.file}`;
  }
  const text =
    p.stage === 'runtime' ? `Starting onnxruntime-web (${p.backend ?? 'auto'})` : STAGE_TEXT[p.stage];
  return p.total ? `${text} ${p.done ?? 0}/${p.total}` : text;
}
