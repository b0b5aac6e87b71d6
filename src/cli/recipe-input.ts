/**
 * `--recipe <file>` for `winclip score` and `winclip calibrate`: the recipe's prompts, reference shots
 * and thresholds stand in for --object/--ref/--image-threshold/--pixel-threshold, after checking that
 * --model holds the weights the recipe was made with.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { buildPromptSet, type PromptSetOptions } from '../core/prompts';
import {
  base64ToBytes,
  modelMismatch,
  parseRecipe,
  type Recipe,
  RecipeError,
  type RecipeThresholds,
  recipeThresholds,
} from '../core/recipe';
import type { ResultsHeader } from '../core/results-format';
import type { PromptSet } from '../core/types';
import { fingerprintFile } from '../core/weights-fingerprint';
import { WEIGHTS_FILE } from '../model/file-names';
import type { CliModel } from './model-arg';
import { UsageError } from './usage-error';

export interface RecipeInput {
  recipe: Recipe;
  promptOptions: PromptSetOptions;
  prompts: PromptSet;
  references: { name: string; bytes: Uint8Array }[];
  thresholds: RecipeThresholds | null;
}

/** The sampled fingerprint of <dir>/open_clip_model.safetensors, reading only the sampled ranges. */
export async function fingerprintModelDir(dir: string): Promise<{ bytes: number; fingerprint: string }> {
  const path = join(dir, WEIGHTS_FILE);
  const { size } = await stat(path);
  const fh = await open(path, 'r');
  try {
    const read = async (off: number, len: number) => {
      const { buffer, bytesRead } = await fh.read(new Uint8Array(len), 0, len, off);
      return buffer.subarray(0, bytesRead);
    };
    return { bytes: size, fingerprint: await fingerprintFile(size, read) };
  } finally {
    await fh.close();
  }
}

/** Reads and checks the recipe file; the model is checked against it by `checkRecipeModel`. */
/** The results header's `model` entry for a loaded model (`arg`: the --model value as given). */
export async function modelProvenance(model: CliModel, arg: string): Promise<ResultsHeader['model']> {
  const fingerprint = await fingerprintModelDir(model.dir).catch(() => null);
  return {
    name: model.hub ? model.hub.repo : basename(arg),
    repo: model.hub?.repo ?? null,
    path: model.hub ? null : arg,
    commit: model.hub?.commit ?? null,
    weights_fingerprint: fingerprint?.fingerprint ?? null,
  };
}

export async function readRecipeInput(path: string, command: string): Promise<RecipeInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${command}: --recipe ${path} cannot be read`);
  }
  let recipe: Recipe;
  try {
    recipe = parseRecipe(text);
  } catch (err) {
    throw err instanceof RecipeError ? new Error(`${command}: --recipe ${path}: ${err.message}`) : err;
  }
  const promptOptions: PromptSetOptions = {
    objectName: recipe.prompts.objectName.trim(),
    normalStates: recipe.prompts.normalStates,
    anomalousStates: recipe.prompts.anomalousStates,
    templates: recipe.prompts.templates,
  };
  return {
    recipe,
    promptOptions,
    prompts: buildPromptSet(promptOptions),
    references: recipe.references.map((r) => ({ name: r.name, bytes: base64ToBytes(r.data) })),
    thresholds: recipeThresholds(recipe),
  };
}

/** Refuses a model whose weights (or hub commit) are not the recipe's. */
export async function checkRecipeModel(recipe: Recipe, model: CliModel, command: string): Promise<void> {
  const have = await fingerprintModelDir(model.dir).catch(() => null);
  const mismatch = modelMismatch(recipe.model, {
    source: model.hub ? { kind: 'hub', repo: model.hub.repo } : { kind: 'local' },
    label: model.label,
    weightsBytes: have?.bytes ?? null,
    weightsFingerprint: have?.fingerprint ?? null,
    commit: model.hub?.commit ?? null,
  });
  if (mismatch) throw new Error(`${command}: ${mismatch}`);
}

/** Flags that a recipe replaces; giving both is refused rather than silently merged. */
export function refuseWithRecipe(command: string, values: Record<string, unknown>, flags: string[]): void {
  const both = flags.filter((f) => values[f] !== undefined);
  if (both.length > 0)
    throw new UsageError(command, `--recipe replaces --${both.join(', --')}; give one or the other`);
}
