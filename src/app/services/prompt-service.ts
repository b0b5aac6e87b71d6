/**
 * Keeps the engine's prompt ensemble in step with the editor: debounced, cancelling a superseded
 * sync, embedding only new prompts (the engine caches by text) and re-scoring every encoded image.
 */

import { errorText, isAbortError } from '../../core/errors';
import { buildPromptSet } from '../../core/prompts';
import type { PromptSet } from '../../core/types';
import { patchPromptStatus, useApp } from '../state/store';
import type { PromptConfig } from '../state/types';
import { engine, engineJobs, refreshStats } from './engine-service';
import { pump, rescoreAll } from './inspection-service';

const DEBOUNCE_MS = 250;
let timer: ReturnType<typeof setTimeout> | null = null;
let inFlight: AbortController | null = null;

/** What is wrong with the prompt config, or null. Each state and template needs one `{}`. */
export function promptProblem(p: PromptConfig): string | null {
  if (!p.objectName.trim()) return 'The object name is empty.';
  if (p.normalStates.length === 0) return 'Add at least one normal state.';
  if (p.anomalousStates.length === 0) return 'Add at least one anomalous state.';
  if (p.templates.length === 0) return 'Add at least one template.';
  const missing = [...p.normalStates, ...p.anomalousStates, ...p.templates].find((s) => !s.includes('{}'));
  if (missing !== undefined) return `"${missing}" has no {} placeholder.`;
  return null;
}

export function promptSetOf(p: PromptConfig): PromptSet {
  return buildPromptSet({
    objectName: p.objectName.trim(),
    normalStates: p.normalStates,
    anomalousStates: p.anomalousStates,
    templates: p.templates,
  });
}

/** Sends the current prompts to the engine (embedding new ones) without re-scoring. */
export async function applyPrompts(signal?: AbortSignal): Promise<boolean> {
  const prompts = useApp.getState().prompts;
  const problem = promptProblem(prompts);
  if (problem) {
    patchPromptStatus({ error: problem, busy: false });
    return false;
  }
  const set = promptSetOf(prompts);
  patchPromptStatus({
    busy: true,
    error: null,
    normalCount: set.normal.length,
    anomalousCount: set.anomalous.length,
  });
  try {
    const r = await engineJobs.run(() => engine().setPrompts(signal, set));
    patchPromptStatus({ applied: true, lastEmbedded: r.embedded, lastEmbedMs: r.ms, busy: false });
    return true;
  } catch (err) {
    if (!isAbortError(err)) {
      patchPromptStatus({ busy: false, error: errorText(err) });
    }
    throw err;
  }
}

async function sync(): Promise<void> {
  inFlight?.abort();
  const abort = new AbortController();
  inFlight = abort;
  if (useApp.getState().model.phase !== 'ready') return;
  const t0 = performance.now();
  try {
    if (!(await applyPrompts(abort.signal))) return;
    const r = await rescoreAll(abort.signal);
    patchPromptStatus({
      lastRescoreMs: r.ms,
      lastRescoreCount: r.count,
      lastTotalMs: performance.now() - t0,
    });
    void refreshStats();
  } catch (err) {
    if (!isAbortError(err)) patchPromptStatus({ error: errorText(err) });
  } finally {
    if (inFlight === abort) {
      inFlight = null;
      patchPromptStatus({ busy: false });
      // The queue waited while the edit was pending (inspection-service's ready()).
      void pump();
    }
  }
}

/** Call after every edit: waits for typing to pause, then embeds and re-scores. */
function schedulePromptSync(): void {
  if (timer) clearTimeout(timer);
  patchPromptStatus({ busy: true });
  timer = setTimeout(() => {
    timer = null;
    void sync();
  }, DEBOUNCE_MS);
}

export function updatePrompts(patch: Partial<PromptConfig>): void {
  useApp.setState((s) => ({ prompts: { ...s.prompts, ...patch } }));
  schedulePromptSync();
}
