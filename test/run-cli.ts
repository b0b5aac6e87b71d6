/** The built CLI (`bin/winclip.mjs`) run as a user runs it: its exit code, stdout and stderr. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { fingerprintModelDir } from '../src/cli/recipe-input';
import type { Recipe } from '../src/core/recipe';
import { FIXTURE_DIR } from './fixture';

export const BIN = resolve(__dirname, '../bin/winclip.mjs');
const run = promisify(execFile);

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A scored image's fields in the results format, in order (docs/results.schema.json), without its map. */
export const SCORED_FIELDS = ['file', 'width', 'height', 'image_score', 'verdict', 'max_pixel', 'regions'];

/** Never rejects: a non-zero exit is a result the tests check. */
export function winclip(args: string[]): Promise<Ran> {
  return run('node', [BIN, ...args], { maxBuffer: 256 * 1024 * 1024 }).then(
    (r) => ({ code: 0, ...r }),
    (e: Ran) => e,
  );
}

/** `score` on the fixture model with the prompts in `promptsFile`, then `extra`. */
export const fixtureScoreArgs = (promptsFile: string, ...extra: string[]) => [
  'score',
  '--model',
  FIXTURE_DIR,
  '--prompts',
  promptsFile,
  ...extra,
];

/** A recipe for the fixture model (fingerprinted as the CLI does) with the given prompts; `patch` wins. */
export async function fixtureRecipe(
  prompts: Recipe['prompts'],
  patch: Partial<Recipe> = {},
): Promise<Recipe> {
  const weights = await fingerprintModelDir(FIXTURE_DIR);
  return {
    format: 'winclip-recipe',
    version: 1,
    createdAt: new Date(0).toISOString(),
    model: {
      source: { kind: 'local' },
      label: 'winclip-tiny',
      weightsBytes: weights.bytes,
      weightsFingerprint: weights.fingerprint,
    },
    prompts,
    thresholds: {},
    calibration: null,
    references: [],
    ...patch,
  };
}
