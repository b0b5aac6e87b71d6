/**
 * Sessions and batches: the gallery, results and features survive a reload (nothing re-encoded, no
 * prompt re-embedded); folders keep relative paths; named sessions keep their own results; a full
 * storage quota loses nothing on screen; Clear asks and can be undone; the page itself never scrolls.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import {
  BUDGET,
  card,
  drop,
  engineStats,
  shot,
  shownScores,
  unreachableControls,
  waitBankK,
  waitModelReady,
  waitScored,
} from './support/app';
import { evalDebug, waitDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { synthFiles, synthPng } from './support/synth-images';

async function flush(page: Page): Promise<void> {
  await evalDebug(page, (h) => h.flush());
}

async function allScored(page: Page, n: number): Promise<void> {
  await expect(page.locator('[data-testid="result-card"][data-score]')).toHaveCount(n, {
    timeout: BUDGET.batch,
  });
}

test('a reload shows every image with identical scores and re-encodes and re-embeds nothing', async ({
  page,
  app,
}) => {
  await app.openTinyModel();
  await page.getByRole('tab', { name: /References/ }).click();
  const extraRefs = await synthFiles(2, 'good', 100);
  await drop(page, ['ref_1.png', 'ref_2.png', ...extraRefs], 'references');
  await waitBankK(page, 4);
  const toolbar = page.getByRole('toolbar', { name: 'Images' });
  const idleHeight = (await toolbar.boundingBox())!.height;

  // On WASM the tiny model can finish the queue between two polls: watch the DOM for the rate and ETA,
  // and while they are shown for the toolbar's height and for what is on top at the Pause button.
  type Seen = { eta: boolean; heights: number[]; pauseCovered: number };
  await page.evaluate(() => {
    const w = window as unknown as { queueSeen: Seen };
    w.queueSeen = { eta: false, heights: [], pauseCovered: 0 };
    new MutationObserver(() => {
      const rate = document.querySelector('[data-testid="queue-rate"]');
      if (!rate?.textContent?.includes('ETA')) return;
      w.queueSeen.eta = true;
      const bar = document.querySelector('[role="toolbar"][aria-label="Images"]');
      if (bar) w.queueSeen.heights.push(bar.getBoundingClientRect().height);
      const pause = document.querySelector('[data-testid="queue"] button[aria-label="Pause"]');
      const r = pause?.getBoundingClientRect();
      const hit = r && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!pause || !hit || !pause.contains(hit)) w.queueSeen.pauseCovered++;
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await drop(page, await synthFiles(12));
  await allScored(page, 12);
  const seen = await page.evaluate(() => (window as unknown as { queueSeen: Seen }).queueSeen);
  expect(seen.eta).toBe(true);
  // A running queue moves nothing in the toolbar (it is in the status bar), and its Pause button can be
  // clicked whenever it is shown.
  expect(new Set([idleHeight, ...seen.heights])).toEqual(new Set([idleHeight]));
  expect(seen.pauseCovered).toBe(0);
  const before = await shownScores(page);
  expect(Object.keys(before)).toHaveLength(12);
  // The page itself does not scroll: only the gallery and the side panel do.
  await page.getByRole('tab', { name: 'Model' }).click();
  const overflow = await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight);
  expect(overflow).toBeLessThanOrEqual(0);
  await flush(page);

  const t0 = Date.now();
  await page.reload();
  // Watched in the page every 5 ms, so the figure has no poll back-off in it: the model is ready
  // and the four references are encoded into the worker's bank again.
  const readyAt = waitDebug(
    page,
    (h) =>
      document.querySelector('[data-testid="model-chip"]')?.classList.contains('phase-ready') &&
      h.state().references.filter((r) => r.status === 'ready').length === 4 &&
      performance.now(),
    { timeout: BUDGET.modelReady, polling: 5 },
  );
  // The gallery is there before the model is.
  await allScored(page, 12);
  const shownMs = Date.now() - t0;
  await waitModelReady(page);
  await page.getByRole('tab', { name: /References/ }).click();
  await waitBankK(page, 4);
  // Since the reloaded page's navigation started; `seenMs` includes the polling of these waits.
  const seenMs = Math.round(await page.evaluate(() => performance.now()));
  const readyMs = Math.round(Number(await readyAt));
  console.log(
    `reload with 12 images and 4 references: gallery shown after ${shownMs} ms, ready to score after ${readyMs} ms (seen by the waits after ${seenMs} ms)`,
  );
  const after = await shownScores(page);
  expect(after).toEqual(before);
  const stats = await engineStats(page);
  expect(stats.imageEncoderRuns).toBe(0);
  expect(stats.promptsEmbedded).toBe(0);
  // A new image is scored against the restored bank: the worker holds the references' stored features.
  await drop(page, await synthFiles(1, 'late', 50));
  await waitScored(page, ['late-050.png']);
  await expect(card(page, 'late-050.png')).toHaveAttribute('data-score', /\d/);
  expect((await engineStats(page)).imagesEncoded).toBe(1);
});

test('a folder keeps relative paths, so equal file names stay distinct', async ({ page, app }) => {
  const root = mkdtempSync(join(tmpdir(), 'winclip-folder-'));
  const lot = join(root, 'lot7');
  for (const [sub, seed] of [
    ['good', 1],
    ['bad', 2],
  ] as const) {
    mkdirSync(join(lot, sub), { recursive: true });
    writeFileSync(join(lot, sub, '000.png'), await synthPng(seed));
  }
  await app.openTinyModel();
  await page.getByTestId('folder-file-input').setInputFiles(lot);
  await waitScored(page, ['lot7/good/000.png', 'lot7/bad/000.png']);
  await expect(page.getByTestId('result-card')).toHaveCount(2);
  // The folder filter takes its place in the toolbar with every other control still in reach.
  expect(await unreachableControls(page, '[role="toolbar"][aria-label="Images"]')).toEqual([]);
  await page.getByLabel('Filter by folder').selectOption('lot7/bad');
  await expect(page.getByTestId('result-card')).toHaveCount(1);
  await expect(card(page, 'lot7/bad/000.png')).toBeVisible();
  await flush(page);
  await page.reload();
  await expect(card(page, 'lot7/good/000.png')).toHaveAttribute('data-score', /\d/);
  await expect(card(page, 'lot7/bad/000.png')).toHaveAttribute('data-score', /\d/);
});

test('two named sessions switch back and forth with their own results', async ({ page, app }, info) => {
  await app.openTinyModel();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await page.getByLabel('Session name', { exact: true }).fill('Housing A');
  await page.getByLabel('Session name', { exact: true }).press('Enter');
  await page.getByLabel('Session lot').fill('L-0042');
  await page.getByLabel('Session lot').press('Enter');
  await drop(page, await synthFiles(2, 'a'));
  await waitScored(page, ['a-000.png', 'a-001.png']);
  const a = await shownScores(page);

  await page.getByLabel('New session name').fill('Housing B');
  // The operator clicks New session and goes straight to the threshold: the new session, entered a
  // moment later, asks for its part but must not take the focus from the field being typed in.
  const threshold = page.getByRole('spinbutton', { name: 'Image threshold value' });
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'New session')!;
    button.click();
    document.querySelector<HTMLInputElement>('[aria-label="Image threshold value"]')!.focus();
  });
  await expect(page.getByTestId('session-asks')).toBeVisible();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(threshold).toBeFocused();
  await threshold.fill('0.9');
  await threshold.press('Enter');
  await expect(page.getByLabel('Session part')).toHaveValue('');
  await drop(page, await synthFiles(1, 'b', 10));
  await waitScored(page, ['b-010.png']);
  const b = await shownScores(page);
  await shot(page, info, 'session-list');

  await page.getByRole('button', { name: 'Open session Housing A' }).click();
  await expect(page.getByTestId('result-card')).toHaveCount(2);
  expect(await shownScores(page)).toEqual(a);
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.5000');
  await expect(page.getByLabel('Session lot')).toHaveValue('L-0042');
  await page.getByRole('button', { name: 'Open session Housing B' }).click();
  await expect(page.getByTestId('result-card')).toHaveCount(1);
  expect(await shownScores(page)).toEqual(b);
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.9000');
  const items = page.getByTestId('session-item');
  await expect(items).toHaveCount(2);
  await expect(items.filter({ hasText: 'Housing A' })).toContainText('lot L-0042 · 2 images');
  expect((await engineStats(page)).imageEncoderRuns).toBe(3 * 3);
});

test('a full storage quota is reported and nothing on screen is lost', async ({ page, app }) => {
  await app.openTinyModel();
  // Simulated: every write of the sessions database fails the way a full disk does.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.transaction.db.name === 'winclip-sessions' && this.name !== 'sessions') {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  await drop(page, await synthFiles(3, 'q'));
  // The notice comes once, as the first writes fail (it fades after 20 s; the Sessions tab keeps the count).
  await expect(page.getByRole('alert').filter({ hasText: 'Storage is full' })).toContainText(
    /3 images of this session are not saved/,
  );
  await waitScored(page, ['q-000.png', 'q-001.png', 'q-002.png']);
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await expect(page.getByTestId('unsaved')).toContainText('3 images are not saved');
  await expect(page.locator('[data-testid="result-card"][data-score]')).toHaveCount(3);
});

test('Clear asks first, and Undo brings every image and result back', async ({ page, app }) => {
  await app.openTinyModel();
  await drop(page, await synthFiles(3, 'c'));
  await waitScored(page, ['c-000.png', 'c-001.png', 'c-002.png']);
  const before = await shownScores(page);
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(page.getByText('Clear 3 images and their results?')).toBeVisible();
  await page.getByRole('button', { name: 'Keep' }).click();
  await expect(page.getByTestId('result-card')).toHaveCount(3);
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(page.getByTestId('result-card')).toHaveCount(0);
  await expect(page.getByTestId('undo-clear')).toContainText('Cleared 3 images.');
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByTestId('result-card')).toHaveCount(3);
  expect(await shownScores(page)).toEqual(before);
  await flush(page);
  await page.reload();
  await expect(page.locator('[data-testid="result-card"][data-score]')).toHaveCount(3);
  expect(await shownScores(page)).toEqual(before);
});

test('a new session asks for its part, lot and station, offering the previous ones', async ({
  page,
  app,
}, info) => {
  await app.open();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  for (const [field, value] of [
    ['part', 'P-100'],
    ['lot', 'L-0042'],
    ['station', 'S-2'],
  ] as const) {
    await page.getByLabel(`Session ${field}`).fill(value);
    await page.getByLabel(`Session ${field}`).press('Enter');
  }
  await expect(page.getByTestId('session-item').filter({ hasText: 'lot L-0042' })).toHaveCount(1);

  await page.getByLabel('New session name').fill('Next lot');
  await page.getByRole('button', { name: 'New session' }).click();
  await expect(page.getByTestId('session-item')).toHaveCount(2);
  // Nothing is copied: the fields are empty, the first one has the focus, and it says so.
  for (const field of ['part', 'lot', 'station'])
    await expect(page.getByLabel(`Session ${field}`)).toHaveValue('');
  await expect(page.getByLabel('Session part')).toBeFocused();
  await expect(page.getByTestId('session-asks')).toHaveText('New session: enter its part, lot and station.');
  await shot(page, info, 'session-asks');
  // The previous part and station are one click each; the new lot is typed.
  await page.getByRole('button', { name: 'Use the previous part P-100' }).click();
  await page.getByRole('button', { name: 'Use the previous station S-2' }).click();
  await page.getByLabel('Session lot').fill('L-0043');
  await page.getByLabel('Session lot').press('Enter');
  await expect(page.getByLabel('Session part')).toHaveValue('P-100');
  await expect(page.getByLabel('Session station')).toHaveValue('S-2');
  await expect(page.getByTestId('session-asks')).toHaveCount(0);
  const items = page.getByTestId('session-item');
  await expect(items.filter({ hasText: 'Next lot' })).toContainText('part P-100 · lot L-0043 · station S-2');
  await expect(items.filter({ hasText: 'Session 1' })).toContainText('part P-100 · lot L-0042 · station S-2');
  await flush(page);
  await page.reload();
  await page.getByRole('tab', { name: 'Sessions' }).click();
  await expect(page.getByLabel('Session lot')).toHaveValue('L-0043');
});
