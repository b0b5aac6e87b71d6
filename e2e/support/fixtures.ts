/**
 * Test fixtures: the backend under test (per project), a mock hub shared by a worker's tests, the app
 * opened on both, and a guard that fails any test whose page sent a request anywhere but 127.0.0.1.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { openApp, setupTinyModel, type TinyModelOptions } from './app';
import { guardRequests } from './guarded-context';
import { type MockHub, startMockHub } from './mock-hub';
import { HUB_REPOS } from './paths';

export type Backend = 'webgpu' | 'wasm';

export interface AppOptions {
  backend: Backend;
}

/** The app on this project's backend and the worker's mock hub; `page` defaults to the test's page. */
export interface AppDriver {
  /** Opens the app (loading `repo` from the hub, if given) and waits for the engine to start. */
  open(o?: { page?: Page; repo?: string; hub?: string; extra?: Record<string, string> }): Promise<void>;
  /** Opens the app with the tiny fixture model from the mock hub and waits until it is ready. */
  openTinyModel(o?: TinyModelOptions & { page?: Page }): Promise<void>;
}

/**
 * A test that replaces the engine worker on purpose (a simulated crash, a lost GPU device) says so
 * with this annotation; in every other test an unasked-for replacement fails the test.
 */
export const EXPECTS_ENGINE_RESTART = { type: 'expects-engine-restart' } as const;

interface TestFixtures {
  /** URLs the page tried to reach outside 127.0.0.1 (aborted); must stay empty. */
  external: string[];
  /** Unasked-for engine worker replacements the pages logged; must stay empty. */
  engineReplaced: string[];
  app: AppDriver;
}

interface WorkerFixtures {
  hub: MockHub;
}

export const test = base.extend<AppOptions & TestFixtures, WorkerFixtures>({
  backend: ['wasm', { option: true }],
  hub: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires the destructuring pattern
    async ({}, use) => {
      const hub = await startMockHub(HUB_REPOS);
      await use(hub);
      await hub.stop();
    },
    { scope: 'worker' },
  ],
  app: async ({ page, backend, hub }, use) => {
    await use({
      open: (o = {}) => openApp(o.page ?? page, { backend, hub: hub.url, ...o }),
      openTinyModel: (o = {}) => setupTinyModel(o.page ?? page, { backend, hub: hub.url, ...o }),
    });
  },
  external: [
    async ({ context }, use) => {
      const external = await guardRequests(context);
      await use(external);
      expect(external, 'requests that left 127.0.0.1').toEqual([]);
    },
    { auto: true },
  ],
  engineReplaced: [
    async ({ context }, use, info) => {
      const replaced: string[] = [];
      const watch = (page: Page) =>
        page.on('console', (m) => {
          if (m.text().startsWith('engine worker replaced:')) replaced.push(m.text());
        });
      for (const page of context.pages()) watch(page);
      context.on('page', watch);
      await use(replaced);
      if (!info.annotations.some((a) => a.type === EXPECTS_ENGINE_RESTART.type))
        expect(replaced, 'engine workers replaced without being asked').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
