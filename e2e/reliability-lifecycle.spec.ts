/**
 * Page lifecycle: a page put in the back/forward cache ends its engine worker (and the model's memory
 * with it); shown again, it restores model, prompts and results into a fresh worker. WASM project only:
 * the worker's lifetime is the same whatever backend it runs.
 */
import { card, dropFiles, fileFrom, openApp, shownScores, waitModelReady, waitScored } from './support/app';
import { expect, test } from './support/fixtures';
import { fixtureImage, TINY_REPO } from './support/paths';
import { referenceScores, TOLERANCE } from './support/reference-engine';

test.skip(({ backend }) => backend !== 'wasm', 'worker lifetime does not depend on the backend');

test('hidden into the back/forward cache, the engine worker ends; shown again, the work is restored', async ({
  page,
  backend,
  hub,
}) => {
  // The engine worker by its script (onnxruntime's own thread workers are listed too).
  const engineWorkers = () => page.workers().filter((w) => /engine\.worker/.test(w.url())).length;
  await openApp(page, { backend, hub: hub.url, repo: TINY_REPO });
  await waitModelReady(page);
  await dropFiles(page, page.getByTestId('workspace'), [fileFrom(fixtureImage('test_a.png'))]);
  await waitScored(page, ['test_a.png']);
  const before = await shownScores(page);
  expect(engineWorkers()).toBe(1);

  // Browsers fire these around the back/forward cache; Playwright's pages do not enter it.
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await expect.poll(engineWorkers).toBe(0);
  await expect(card(page, 'test_a.png')).toHaveAttribute('data-score', String(before['test_a.png']));

  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  await expect.poll(engineWorkers).toBe(1);
  await expect(page.getByTestId('engine-status')).toHaveText(/ready/i);
  await waitModelReady(page);
  await dropFiles(page, page.getByTestId('workspace'), [fileFrom(fixtureImage('test_d.png'))]);
  await waitScored(page, ['test_a.png', 'test_d.png']);
  const expected = await referenceScores(['test_a.png', 'test_d.png'], { objectName: 'object' });
  const shown = await shownScores(page);
  for (const n of ['test_a.png', 'test_d.png'])
    expect(Math.abs(shown[n] - expected[n])).toBeLessThan(TOLERANCE);
});
