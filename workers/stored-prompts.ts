/**
 * Prompt embeddings kept in the worker's database per model identity, so a reload does not run the
 * text encoder again for prompts it embedded before. Storage failures never fail a call.
 */
import type { WinclipEngine } from '../src/engine/engine';
import type { FeatureDatabase } from './feature-store';

type PromptEngine = Pick<WinclipEngine, 'exportPromptEmbeddings' | 'importPromptEmbeddings'>;

/** Loads embeddings of `prompts` the engine lacks from storage; returns those still missing. */
export async function restorePrompts(
  db: FeatureDatabase,
  modelId: string | null,
  engine: PromptEngine,
  prompts: string[],
): Promise<string[]> {
  const have = new Set(engine.exportPromptEmbeddings(prompts).map(([p]) => p));
  const missing = prompts.filter((p) => !have.has(p));
  if (!modelId || missing.length === 0) return missing;
  const stored = await db.getPrompts(modelId, missing).catch(() => []);
  engine.importPromptEmbeddings(stored);
  const got = new Set(stored.map(([p]) => p));
  return missing.filter((p) => !got.has(p));
}

export async function savePrompts(
  db: FeatureDatabase,
  modelId: string | null,
  engine: PromptEngine,
  prompts: string[],
): Promise<void> {
  if (!modelId) return;
  // A full disk only costs a re-embedding on the next visit: never fail the call for it.
  await db.putPrompts(modelId, engine.exportPromptEmbeddings(prompts)).catch(() => undefined);
}
