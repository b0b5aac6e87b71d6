/**
 * Camera capture with Chromium's fake video device (playwright.config.ts passes the fake-device flags):
 * a frame captured by click or Space lands in the gallery and is scored like a dropped image.
 */
import { openApp, shot, waitModelReady } from './support/app';
import { expect, test } from './support/fixtures';
import { TINY_REPO } from './support/paths';

test('camera captures land scored in the gallery, by click, Space and continuous mode', async ({
  page,
  context,
  backend,
  hub,
}, info) => {
  await context.grantPermissions(['camera']);
  await openApp(page, { backend, hub: hub.url, repo: TINY_REPO });
  await waitModelReady(page);
  await page.getByRole('button', { name: 'Camera', exact: true }).click();
  const panel = page.getByTestId('camera-panel');
  await expect
    .poll(() => page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.videoWidth))
    .toBeGreaterThan(0);
  await expect(panel.getByLabel('Camera device')).not.toHaveValue('');

  await panel.getByRole('button', { name: /Capture/ }).click();
  const cards = page.locator('[data-testid="result-card"][data-name^="camera-"]');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toHaveAttribute('data-score', /\d/, { timeout: 120_000 });
  const verdict = page.getByTestId('camera-verdict');
  await expect(verdict).toHaveText(/^(OK|NG) \d\.\d{4} · camera-\d{8}-\d{6}-001\.png$/);
  const score = Number(await cards.first().getAttribute('data-score'));
  expect(await verdict.textContent()).toContain(score.toFixed(4));

  // Space captures too (focus outside any control).
  await page.getByTestId('camera-video').click();
  await page.keyboard.press('Space');
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(1)).toHaveAttribute('data-score', /\d/, { timeout: 120_000 });
  await expect(verdict).toContainText('-002.png');
  await shot(page, info, 'camera');

  // Continuous mode: captures keep coming at the interval until it is switched off. The timer logic is
  // the same on every backend, so it runs once, on WASM (SwiftShader would take seconds per frame).
  if (backend !== 'wasm') return;
  await panel.getByLabel('Capture interval in seconds').fill('0.5');
  await panel.getByRole('checkbox').check();
  await expect.poll(() => cards.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
  await panel.getByRole('checkbox').uncheck();
  const n = await cards.count();
  await page.waitForTimeout(1500);
  expect(await cards.count()).toBe(n);
  await expect(cards.nth(2)).toHaveAttribute('data-score', /\d/, { timeout: 120_000 });
});
