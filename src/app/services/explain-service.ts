/** "Why this image": regions above the pixel threshold with their state words, from the worker. */
import type { ExplainResult } from '../../../workers/protocol';
import { stateGroups } from '../../core/state-words';
import { useApp } from '../state/store';
import { engine } from './engine-service';

/** The state words of the current prompt config, grouped as the ensemble builds them. */
function currentGroups() {
  const p = useApp.getState().prompts;
  return stateGroups({
    objectName: p.objectName.trim(),
    normalStates: p.normalStates,
    anomalousStates: p.anomalousStates,
    templates: p.templates,
  });
}

export function explainWithCurrentPrompts(
  signal: AbortSignal | undefined,
  imageId: string,
  pixelThreshold: number,
): Promise<ExplainResult> {
  return engine().explain(signal, imageId, pixelThreshold, currentGroups());
}
