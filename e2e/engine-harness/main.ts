/** Test page: exposes the engine worker to Playwright as window.harness. */
import * as Comlink from 'comlink';
import type { HarnessApi } from './harness.worker';

const worker = new Worker(new URL('./harness.worker.ts', import.meta.url), { type: 'module' });
(window as unknown as { harness: Comlink.Remote<HarnessApi> }).harness = Comlink.wrap<HarnessApi>(worker);
document.getElementById('status')!.textContent = 'engine harness: ready';
