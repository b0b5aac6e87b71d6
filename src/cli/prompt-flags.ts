/**
 * The flags that choose the prompt ensemble and τ, shared by `score` and `calibrate` so that both read
 * them the same way (calibration must score exactly as `score` does).
 */
import { readFile } from 'node:fs/promises';
import { TEMPERATURE } from '../core/method-settings';
import { buildPromptSet, DEFAULT_OBJECT_NAME } from '../core/prompts';
import { promptGroups, type StateGroups, stateGroups } from '../core/state-words';
import type { PromptSet } from '../core/types';
import type { FlagSpec } from './flags';
import { UsageError } from './usage-error';

export const PROMPT_FLAGS = {
  object: {
    type: 'string',
    arg: '<name>',
    help: 'object name in the prompt ensemble',
    shownDefault: `"${DEFAULT_OBJECT_NAME}"`,
  },
  prompts: {
    type: 'string',
    arg: '<file.json>',
    help: 'replace the ensemble with {"normal": [...], "anomalous": [...]}',
  },
  temperature: {
    type: 'string',
    arg: '<t>',
    help: 'softmax temperature τ',
    shownDefault: String(TEMPERATURE),
  },
} satisfies Record<string, FlagSpec>;

async function readPromptsFile(path: string): Promise<PromptSet> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`--prompts ${path}: ${err instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`);
  }
  const p = raw as { normal?: unknown; anomalous?: unknown };
  const ok = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
  if (!ok(p.normal) || !ok(p.anomalous)) {
    throw new Error(`--prompts ${path}: needs non-empty string arrays "normal" and "anomalous"`);
  }
  return { normal: p.normal, anomalous: p.anomalous };
}

export interface PromptChoice {
  prompts: PromptSet;
  /** The state words behind the prompts (each raw --prompts line is its own "state"). */
  groups: StateGroups;
  /** Undefined: the method setting's default. */
  temperature: number | undefined;
}

export async function promptChoice(
  command: string,
  values: { object?: string; prompts?: string; temperature?: string },
): Promise<PromptChoice> {
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (!(temperature > 0))
      throw new UsageError(command, `--temperature must be a positive number, got '${values.temperature}'`);
  }
  const objectName = values.object ?? DEFAULT_OBJECT_NAME;
  if (values.prompts) {
    const prompts = await readPromptsFile(values.prompts);
    return { prompts, groups: promptGroups(prompts), temperature };
  }
  return { prompts: buildPromptSet({ objectName }), groups: stateGroups({ objectName }), temperature };
}
