/**
 * GPU faults: the WebGPU device is destroyed in the middle of a run (as a driver reset or a GPU
 * process crash would do it), and the GPU runs out of memory while the model's sessions are created.
 * The work goes on: the app says what happened, re-creates the device (or falls back to WASM),
 * restores model, prompts and reference bank, re-runs the interrupted image, and every score equals
 * the one an undisturbed engine computes. WebGPU only: these faults do not exist on WASM.
 */
import { card, drop, shot, shownScores, waitBankK, waitModelReady, waitScored } from './support/app';
import { evalDebug } from './support/debug-handle';
import { EXPECTS_ENGINE_RESTART, expect, test } from './support/fixtures';
import { TINY_REPO } from './support/paths';
import { maxDiff, referenceScores, TOLERANCE } from './support/reference-engine';

// Tagged @gpu-only: the webgpu project alone runs these (playwright.config.ts).
test(
  'the WebGPU device is lost mid-scoring: the engine comes back and no result is lost',
  { tag: '@gpu-only', annotation: EXPECTS_ENGINE_RESTART },
  async ({ page, app }, info) => {
    const IMAGES = ['test_a.png', 'test_d.png'];
    // One template: 11 prompts per object name instead of 242 (SwiftShader: seconds per text batch).
    const templates = ['a photo of a {}.'];
    await app.openTinyModel({ templates });
    // State that must survive: an own object name (prompts) and one reference shot.
    await page.getByRole('tab', { name: 'Prompts' }).click();
    await page.getByLabel('Object name').fill('bottle');
    await page.getByRole('tab', { name: /References/ }).click();
    await drop(page, ['ref_1.png'], 'references');
    await waitBankK(page, 1);

    await drop(page, IMAGES);
    await waitScored(page, [IMAGES[0]]);
    // The second image is being scored now: destroy the device under it.
    await expect.poll(() => evalDebug(page, (h) => h.state().images[1].status)).toBe('processing');
    expect(await evalDebug(page, (h) => h.loseGpuDevice())).toBe(true);

    await expect(
      page.locator('.notice').filter({ hasText: 'the GPU device was lost' }).first(),
    ).toBeVisible();
    await shot(page, info, 'gpu-device-lost-notice');
    // The first result stays on screen while the engine is restored.
    await expect(card(page, IMAGES[0])).toHaveAttribute('data-score', /\d/);
    await waitScored(page, IMAGES);
    await expect(page.getByTestId('engine-status')).toHaveText(/ready/i);
    await expect(page.getByTestId('backend-badge')).toHaveText('WebGPU');
    await waitBankK(page, 1);
    expect(await evalDebug(page, (h) => h.state().engine.restarts)).toBe(1);
    await shot(page, info, 'gpu-device-lost');

    // Scores equal an undisturbed engine's, with the same prompts and reference shot.
    const expected = await referenceScores(IMAGES, { objectName: 'bottle', templates }, ['ref_1.png']);
    expect(maxDiff(await shownScores(page), expected)).toBeLessThan(TOLERANCE);
  },
);

test('the GPU runs out of memory while the model is created: it runs on WASM, with the reason shown', {
  tag: '@gpu-only',
}, async ({ page, app }) => {
  await app.open();
  await expect(page.getByTestId('backend-badge')).toHaveText('WebGPU');
  // The injected error is what an allocation failure inside onnxruntime's WebGPU backend reports.
  await evalDebug(page, (h) =>
    h.failNextGpuSession('Failed to create the GPU buffer for an initializer: out of memory'),
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
  await drop(page, ['test_a.png']);
  await waitScored(page, ['test_a.png']);
  const expected = await referenceScores(['test_a.png'], { objectName: 'object' });
  expect(maxDiff(await shownScores(page), expected)).toBeLessThan(TOLERANCE);
});
