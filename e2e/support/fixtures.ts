/**
 * Test fixtures: the backend under test (per project), a mock hub shared by a worker's tests, and a
 * guard that fails any test whose page sent a request anywhere but 127.0.0.1.
 */
import { test as base, expect } from '@playwright/test';
import { type MockHub, startMockHub } from './mock-hub';
import { HUB_REPOS } from './paths';

export type Backend = 'webgpu' | 'wasm';

export interface AppOptions {
  backend: Backend;
}

interface TestFixtures {
  /** URLs the page tried to reach outside 127.0.0.1 (aborted); must stay empty. */
  external: string[];
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
  external: [
    async ({ context }, use) => {
      const external: string[] = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
          return route.continue();
        }
        external.push(url.href);
        return route.abort('blockedbyclient');
      });
      await use(external);
      expect(external, 'requests that left 127.0.0.1').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
