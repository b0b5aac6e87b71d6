/**
 * Camera capture with Chromium's fake video device (playwright.config.ts passes the fake-device flags):
 * a frame captured by click or Space lands in the gallery and is scored like a dropped image.
 */
import { BUDGET, shot } from './support/app';
import { expect, test } from './support/fixtures';

test('camera captures land scored in the gallery, by click, Space and continuous mode', async ({
  page,
  context,
  app,
}, info) => {
  await context.grantPermissions(['camera']);
  await app.openTinyModel();
  await page.getByRole('button', { name: 'Camera', exact: true }).click();
  const panel = page.getByTestId('camera-panel');
  await expect
    .poll(() => page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.videoWidth))
    .toBeGreaterThan(0);
  await expect(panel.getByLabel('Camera device')).not.toHaveValue('');

  await panel.getByRole('button', { name: /Capture/ }).click();
  const cards = page.locator('[data-testid="result-card"][data-name^="camera-"]');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toHaveAttribute('data-score', /\d/, { timeout: BUDGET.scored });
  const verdict = page.getByTestId('camera-verdict');
  // A fresh profile has no threshold yet: the score, without OK/NG.
  await expect(verdict).toHaveText(/^Not judged yet \d\.\d{4} · camera-\d{8}-\d{6}-001\.png$/);
  // A threshold set by hand judges it.
  const threshold = page.getByRole('spinbutton', { name: 'Image threshold value' });
  await threshold.fill('0.9');
  await threshold.press('Enter');
  await expect(verdict).toHaveText(/^OK \d\.\d{4} · camera-\d{8}-\d{6}-001\.png$/);
  const score = Number(await cards.first().getAttribute('data-score'));
  expect(await verdict.textContent()).toContain(score.toFixed(4));

  // Space captures too (focus outside any control).
  await page.getByTestId('camera-video').click();
  await page.keyboard.press('Space');
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(1)).toHaveAttribute('data-score', /\d/, { timeout: BUDGET.scored });
  await expect(verdict).toContainText('-002.png');
  await shot(page, info, 'camera');

  // Continuous mode: captures keep coming at the interval until it is switched off.
  await panel.getByLabel('Capture interval in seconds').fill('0.5');
  await panel.getByRole('checkbox').check();
  await expect.poll(() => cards.count(), { timeout: BUDGET.scored }).toBeGreaterThanOrEqual(3);
  await panel.getByRole('checkbox').uncheck();
  // Every capture taken so far is scored (the interval skips a beat while one waits for its score)…
  await expect(
    page.locator('[data-testid="result-card"][data-name^="camera-"]:not([data-score])'),
  ).toHaveCount(0, {
    timeout: BUDGET.scored,
  });
  const n = await cards.count();
  // …then one more by hand: while it is taken and scored (several intervals of 0.5 s), a timer still
  // running would add cards of its own; it gets the next number, and nothing else arrives.
  await page.getByTestId('camera-video').click();
  await page.keyboard.press('Space');
  await expect(verdict).toContainText(`-${String(n + 1).padStart(3, '0')}.png`, { timeout: BUDGET.scored });
  await expect(cards.nth(n)).toHaveAttribute('data-score', /\d/, { timeout: BUDGET.scored });
  expect(await cards.count()).toBe(n + 1);

  // A review band over every score: the last frame is REVIEW and waits for the operator's call.
  await page.getByRole('tab', { name: 'Calibration' }).click();
  await page.getByTestId('review-enabled').check();
  await page.getByTestId('review-threshold').fill('0');
  const review = verdict.getByTestId('camera-review');
  await expect(verdict).toHaveText(/^REVIEW \d\.\d{4} · /);
  await expect(review).toContainText('capture paused until you decide');
  // Continuous capture holds while it waits: a beat passes (0.5 s) and is skipped, not captured…
  await panel.getByRole('checkbox').check();
  await expect(review.getByTestId('camera-held')).toContainText(/\(\d+ skipped\)/, {
    timeout: BUDGET.scored,
  });
  expect(await cards.count()).toBe(n + 1);
  // …and the operator's mark decides it, lands on the card like a gallery mark, and capture goes on.
  await review.getByRole('button', { name: 'NG' }).click();
  await expect(cards.nth(n)).toHaveAttribute('data-label', 'NG');
  await expect.poll(() => cards.count(), { timeout: BUDGET.scored }).toBeGreaterThan(n + 1);
  await panel.getByRole('checkbox').uncheck();
});
