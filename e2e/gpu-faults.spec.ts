/**
 * GPU faults: the WebGPU device is destroyed in the middle of a run (as a driver reset or a GPU
 * process crash would do it), and the GPU runs out of memory while the model's sessions are created.
 * The work goes on: the app says what happened, re-creates the device (or falls back to WASM),
 * restores model, prompts and reference bank, re-runs the interrupted image, and every score equals
 * the one an undisturbed engine computes. WebGPU only: these faults do not exist on WASM.
 */
import type { Page } from '@playwright/test';
import {
  card,
  dropFiles,
  fileFrom,
  openApp,
  shot,
  shownScores,
  waitModelReady,
  waitScored,
} from './support/app';
import { expect, test } from './support/fixtures';
import { fixtureImage, TINY_REPO } from './support/paths';
import { maxDiff, referenceScores, TOLERANCE } from './support/reference-engine';

test.skip(({ backend }) => backend !== 'webgpu', 'GPU device faults need the WebGPU backend');

interface Debug {
  winclip: {
    loseGpuDevice: () => Promise<boolean>;
    failNextGpuSession: (message: string) => Promise<void>;
    state: () => { engine: { restarts: number }; images: { name: string; status: string }[] };
  };
}

const debug = (page: Page) => page.evaluate.bind(page);

test('the WebGPU device is lost mid-scoring: the engine comes back and no result is lost', async ({
  page,
  backend,
  hub,
}, info) => {
  const IMAGES = ['test_a.png', 'test_d.png'];
  await openApp(page, { backend, hub: hub.url, repo: TINY_REPO });
  await waitModelReady(page);
  // State that must survive: an own object name (prompts) and one reference shot.
  await page.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByLabel('Object name').fill('bottle');
  await page.getByRole('tab', { name: /References/ }).click();
  await dropFiles(page, page.getByTestId('reference-dropzone'), [fileFrom(fixtureImage('ref_1.png'))]);
  await expect(page.getByTestId('bank-k')).toHaveText('K = 1');

  await dropFiles(
    page,
    page.getByTestId('workspace'),
    IMAGES.map((n) => fileFrom(fixtureImage(n))),
  );
  await waitScored(page, [IMAGES[0]]);
  // The second image is being scored now: destroy the device under it.
  await expect
    .poll(() => debug(page)(() => (window as unknown as Debug).winclip.state().images[1].status))
    .toBe('processing');
  expect(await debug(page)(() => (window as unknown as Debug).winclip.loseGpuDevice())).toBe(true);

  await expect(page.locator('.notice').filter({ hasText: 'the GPU device was lost' }).first()).toBeVisible();
  await shot(page, info, 'gpu-device-lost-notice');
  // The first result stays on screen while the engine is restored.
  await expect(card(page, IMAGES[0])).toHaveAttribute('data-score', /\d/);
  await waitScored(page, IMAGES);
  await expect(page.getByTestId('engine-status')).toHaveText(/ready/i);
  await expect(page.getByTestId('backend-badge')).toHaveText('WebGPU');
  await expect(page.getByTestId('bank-k')).toHaveText('K = 1');
  expect(await debug(page)(() => (window as unknown as Debug).winclip.state().engine.restarts)).toBe(1);
  await shot(page, info, 'gpu-device-lost');

  // Scores equal an undisturbed engine's, with the same prompts and reference shot.
  const expected = await referenceScores(IMAGES, { objectName: 'bottle' }, ['ref_1.png']);
  expect(maxDiff(await shownScores(page), expected)).toBeLessThan(TOLERANCE);
});

test('the GPU runs out of memory while the model is created: it runs on WASM, with the reason shown', async ({
  page,
  backend,
  hub,
}) => {
  await openApp(page, { backend, hub: hub.url });
  await expect(page.getByTestId('backend-badge')).toHaveText('WebGPU');
  // The injected error is what an allocation failure inside onnxruntime's WebGPU backend reports.
  await debug(page)(() =>
    (window as unknown as Debug).winclip.failNextGpuSession(
      'Failed to create the GPU buffer for an initializer: out of memory',
    ),
  );
  await page.getByLabel('Other OpenCLIP repo').fill(TINY_REPO);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await waitModelReady(page);
  await expect(page.getByTestId('backend-badge')).toHaveText('WASM');
  await expect(page.getByTestId('backend-reason')).toContainText(
    'falling back to WASM: the GPU ran out of memory while creating the model (Failed to create the GPU buffer for an initializer: out of memory)',
  );
  await expect(
    page.locator('.notice').filter({ hasText: 'The model runs on WASM: falling back' }),
  ).toBeVisible();
  await dropFiles(page, page.getByTestId('workspace'), [fileFrom(fixtureImage('test_a.png'))]);
  await waitScored(page, ['test_a.png']);
  const expected = await referenceScores(['test_a.png'], { objectName: 'object' });
  expect(maxDiff(await shownScores(page), expected)).toBeLessThan(TOLERANCE);
});
