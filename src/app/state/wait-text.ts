/** What queued work waits for, in words (cards, the references list, the Calibration tab). */
import type { ModelPhase } from './types';

/** A queued image's status: plain "Queued" only when a model is there to score it. */
export function queuedText(phase: ModelPhase): string {
  if (phase === 'ready') return 'Queued';
  if (phase === 'fetching' || phase === 'building') return 'Waiting for the model to load';
  return 'Waiting for a model';
}

/** References that cannot be encoded yet: "2 references wait for the model" (null when none wait). */
export function referencesWaitText(waiting: number, phase: ModelPhase): string | null {
  if (waiting === 0 || phase === 'ready') return null;
  const what = phase === 'fetching' || phase === 'building' ? 'the model to load' : 'a model';
  return `${waiting} reference${waiting === 1 ? ' waits' : 's wait'} for ${what}`;
}
