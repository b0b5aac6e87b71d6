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

interface TestFixtures {
  /** URLs the page tried to reach outside 127.0.0.1 (aborted); must stay empty. */
  external: string[];
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
});

export { expect };
