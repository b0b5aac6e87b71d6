/**
 * Page lifecycle: a page put in the back/forward cache ends its engine worker (and the model's memory
 * with it); shown again, it restores model, prompts and results into a fresh worker.
 */
import { card, drop, shownScores, waitModelReady, waitScored } from './support/app';
import { expect, test } from './support/fixtures';
import { referenceScores, TOLERANCE } from './support/reference-engine';

test('hidden into the back/forward cache, the engine worker ends; shown again, the work is restored', async ({
  page,
  app,
}) => {
  // The engine worker by its script (onnxruntime's own thread workers are listed too).
  const engineWorkers = () => page.workers().filter((w) => /engine\.worker/.test(w.url())).length;
  await app.openTinyModel();
  await drop(page, ['test_a.png']);
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
  await drop(page, ['test_d.png']);
  await waitScored(page, ['test_a.png', 'test_d.png']);
  const expected = await referenceScores(['test_a.png', 'test_d.png'], { objectName: 'object' });
  const shown = await shownScores(page);
  for (const n of ['test_a.png', 'test_d.png'])
    expect(Math.abs(shown[n] - expected[n])).toBeLessThan(TOLERANCE);
});
