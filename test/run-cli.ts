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

/** Never rejects: a non-zero exit is a result the tests check. The bin in a child process, as a user runs it. */
export function winclipProcess(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Ran> {
  return run('node', [BIN, ...args], {
    maxBuffer: 256 * 1024 * 1024,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: Ran) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * The CLI's `main` (what the bin runs) in this process, with stdout and stderr captured and `env` laid
 * over process.env for the call: the same code, exit status and streams as `winclipProcess` without a
 * Node start and the TypeScript load per call (about 1 s of CPU each). Calls run one at a time, since
 * the streams and the environment are the process's. Native libraries writing to the file descriptors
 * directly (the GPU loader) are not captured: tests of that spawn the bin.
 */
export function winclip(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const call = queue.then(() => inProcess(args, env));
  queue = call.catch(() => undefined);
  return call;
}

async function inProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      if (done) queueMicrotask(done);
      return true;
    }) as typeof process.stdout.write;
  const { stdout, stderr } = process;
  const writes = [stdout.write, stderr.write];
  const ttys = [stdout.isTTY, stderr.isTTY];
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  stdout.write = capture(out);
  stderr.write = capture(err);
  // Pipes, as for a child process, even when the test runner itself writes to a terminal.
  stdout.isTTY = stderr.isTTY = false;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const { main } = await import('../src/cli/main');
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    [stdout.write, stderr.write] = writes;
    [stdout.isTTY, stderr.isTTY] = ttys;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
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

/**
 * `winclip` that rejects on a non-zero exit as execFile does: an Error with the stderr in its message
 * and the code, stdout and stderr as fields.
 */
export async function winclipOk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Omit<Ran, 'code'>> {
  const r = await winclip(args, env);
  if (r.code !== 0)
    throw Object.assign(new Error(`winclip ${args[0]} exited with ${r.code}\n${r.stderr}`), r);
  return { stdout: r.stdout, stderr: r.stderr };
}
