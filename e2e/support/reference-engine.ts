/**
 * The same engine the app runs, in Node (onnxruntime-node) on the same fixture model and files: what
 * the UI shows must equal what this computes for the same inputs.
 */
import { createNodeEngine } from '../../src/cli/node-engine';
import { buildPromptSet, type PromptSetOptions } from '../../src/core/prompts';
import type { WinclipEngine } from '../../src/engine/engine';
import { decodeImageFile } from '../../src/io/decode-node';
import { FIXTURE, fixtureImage } from './paths';

/** The fixture's tolerance for scores: float32 on any backend (observed differences are ~1e-7). */
export const TOLERANCE = 1e-5;

let engine: WinclipEngine | null = null;

async function getEngine(): Promise<WinclipEngine> {
  engine ??= await createNodeEngine(FIXTURE, 1);
  return engine;
}

/** Image scores by file name for the given prompts and reference shots. */
export async function referenceScores(
  images: string[],
  prompts: PromptSetOptions,
  references: string[] = [],
): Promise<Record<string, number>> {
  const e = await getEngine();
  await e.setPrompts(buildPromptSet(prompts));
  e.clearReferences();
  for (const r of references) await e.addReference(`ref:${r}`, await decodeImageFile(fixtureImage(r)));
  const out: Record<string, number> = {};
  for (const name of images) {
    await e.encode(name, await decodeImageFile(fixtureImage(name)));
    out[name] = (await e.score(name)).imageScore;
  }
  return out;
}

export function maxDiff(a: Record<string, number>, b: Record<string, number>): number {
  const keys = Object.keys(b);
  if (Object.keys(a).sort().join() !== [...keys].sort().join()) {
    throw new Error(`different images: ${Object.keys(a)} vs ${keys}`);
  }
  return Math.max(...keys.map((k) => Math.abs(a[k] - b[k])));
}
