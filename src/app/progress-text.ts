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

/** "12 s", "4 min 05 s", "1 h 02 min". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
