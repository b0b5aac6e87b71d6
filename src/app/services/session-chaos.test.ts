/**
 * Model-based test of sessions: random sequences of user actions (chaos-commands) over the app's real
 * services, storage in fake-indexeddb, the engine worker replaced by a deterministic fake; after every
 * action and every reload, what the app shows must equal the model (chaos-model).
 *
 * `npm test` runs the fixed seeds below; `npm run test:chaos -- --seeds N` runs N sequences and
 * prints the first failing one, shrunk, with the command that replays it (`--seed S --path P`).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commandArbitraries, type Real } from './chaos-commands.test-helpers';
import { FakeEngine, storedFeatures } from './chaos-engine.test-helpers';
import { Model } from './chaos-model.test-helpers';
import { browserStructuredClone, type EngineHold, settle, viewOf, visit } from './chaos-page.test-helpers';

const hold = {} as EngineHold;

// The model's files: the fake worker needs none.
vi.mock('../../io/model-fetch', () => ({
  fetchModelFiles: async () => ({
    files: { config: {}, weights: new Uint8Array(8) },
    fromCache: true,
    cacheWarning: null,
  }),
  modelTransferables: () => [],
}));

// Reference thumbnails are decoded by the browser.
vi.mock('./thumbs', () => ({
  makeThumbnail: async () => ({ width: 4, height: 4, close: () => undefined }),
}));

const env = process.env;
const SEEDS = Number(env.CHAOS_SEEDS ?? 20);
const STEPS = Number(env.CHAOS_STEPS ?? 30);
const SEED = env.CHAOS_SEED === undefined ? 20_260_312 : Number(env.CHAOS_SEED);
const PATH = env.CHAOS_PATH;
/** fast-check's replay path of the command list (printed with a failure). */
const REPLAY = env.CHAOS_REPLAY;

/** Sequences and steps run, for the report line. */
const ran = { sequences: 0, steps: 0 };

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('structuredClone', browserStructuredClone());
  hold.engine = new FakeEngine();
});
afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function freshStart(): Promise<Real> {
  const now = Date.now();
  vi.clearAllTimers();
  vi.setSystemTime(now);
  (globalThis as unknown as { indexedDB: IDBFactory }).indexedDB = new IDBFactory();
  storedFeatures.clear();
  const page = await visit(hold);
  await settle(page);
  return { page, hold };
}

describe('sessions under random sequences of user actions', () => {
  it(`agree with the model (${SEEDS} sequences of up to ${STEPS} steps, seed ${SEED})`, async () => {
    const property = fc.asyncProperty(
      fc.commands(commandArbitraries(), {
        maxCommands: STEPS,
        size: 'max',
        ...(REPLAY ? { replayPath: REPLAY } : {}),
      }),
      async (cmds) => {
        const model = new Model();
        const real = await freshStart();
        expect(viewOf(real.page)).toEqual(model.view());
        ran.sequences += 1;
        await fc.asyncModelRun(
          () => ({ model, real }),
          [...cmds].map((c) => {
            const run = c.run.bind(c);
            c.run = async (m, r) => {
              await run(m, r);
              ran.steps += 1;
            };
            return c;
          }),
        );
      },
    );
    const details = await fc.check(property, {
      seed: SEED,
      numRuns: SEEDS,
      ...(PATH ? { path: PATH } : {}),
      endOnFailure: false,
    });
    if (details.failed) {
      const cmds = String(details.counterexample?.[0] ?? '');
      const rp = /replayPath="([^"]*)"/.exec(cmds)?.[1];
      const replay =
        `npm run test:chaos -- --seed ${details.seed} --path ${details.counterexamplePath} --steps ${STEPS}` +
        (rp ? ` --replay '${rp}'` : '');
      const cause =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      throw new Error(`${fc.defaultReportMessage(details)}\n${cause}\nReplay: ${replay}`);
    }
    console.log(`chaos: ${ran.sequences} sequences, ${ran.steps} steps agreed with the model`);
  });
});
