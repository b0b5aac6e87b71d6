/**
 * Lot mode (MuSc) in the browser: the six fixture images dropped in lot mode reproduce the reference
 * RsCIN scores of ../shared/fixtures/musc-tiny (tiny model: layers [0, 1] are the defaults for its two
 * blocks, S = 240); a seventh image computes only its six new pairs and gives the scores a fresh lot of
 * the seven gives.
 */
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { MUSC_BATCH, muscArray } from '../test/musc-fixture';
import { BUDGET, card, drop, lotScores, shot, waitLotScored, waitModelReady } from './support/app';
import { evalDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { fixtureImage } from './support/paths';

const BATCH = MUSC_BATCH;
const referenceArray = (name: string) => muscArray('reference', name).data;

function lotStats(page: Page) {
  return evalDebug(page, (h) => h.lotStats());
}

// UI flow on WASM only: the worker's lot on WebGPU (scores and maps, both sizes) is e2e/engine.spec.ts's.
test('lot mode: reference RsCIN scores, a seventh image adds only its pairs', async ({ page, app }, info) => {
  // Budget: 13 images through the queue on a small shared machine (tiny model).
  test.setTimeout(BUDGET.batch);
  await app.openTinyModel({ prompts: true });
  await page.getByTestId('lot-mode-switch').check();
  await expect(page.getByTestId('mode-badge')).toHaveText('Lot');

  // Below the minimum every card says how many more images the lot needs.
  await drop(page, ['ref_1.png', 'ref_2.png', 'test_a.png']);
  for (const n of ['ref_1.png', 'ref_2.png', 'test_a.png'])
    await expect(card(page, n).getByTestId('card-lot-wait')).toHaveText('Lot mode needs 5 images — 2 more', {
      timeout: BUDGET.scored,
    });
  await expect(page.getByTestId('lot-note')).toContainText('a defect that a large part of the lot shares');
  await shot(page, info, 'lot-mode-needs-more');

  await drop(page, ['test_b.png', 'test_c.png', 'test_d.png']);
  const six = BATCH.map((n) => `${n}.png`);
  await waitLotScored(page, six);
  await expect(page.getByTestId('mode-badge')).toHaveText('Lot · N=6');
  const shown = await lotScores(page);
  const rscin = referenceArray('rscin_score');
  const ac = referenceArray('ac_score');
  let dLot = 0;
  let dMax = 0;
  six.forEach((n, i) => {
    dLot = Math.max(dLot, Math.abs(shown[n].lot - rscin[i]));
    dMax = Math.max(dMax, Math.abs(shown[n].max - ac[i]));
  });
  info.annotations.push({ type: 'max |RsCIN − reference|', description: dLot.toExponential(2) });
  info.annotations.push({ type: 'max |max score − reference|', description: dMax.toExponential(2) });
  expect(dLot).toBeLessThan(1e-5);
  expect(dMax).toBeLessThan(1e-5);
  expect(await evalDebug(page, (h) => h.state().engine.restarts)).toBe(0);
  const at6 = await lotStats(page);
  expect(at6).toMatchObject({ size: 6, pairsComputed: 15, imagesEncoded: 6, tokensFromStore: 0 });
  expect(at6.settings).toEqual({ layers: [0, 1], size: 240, rList: [1, 3, 5] });

  // A seventh image: only its 6 pairs with the lot are computed, and every score moves.
  const flipped = await sharp(fixtureImage('test_a.png')).flop().png().toBuffer();
  await drop(page, [{ name: 'test_a_flipped.png', bytes: flipped }]);
  const seven = [...six, 'test_a_flipped.png'];
  await waitLotScored(page, ['test_a_flipped.png']);
  await expect(page.getByTestId('mode-badge')).toHaveText('Lot · N=7');
  expect(await evalDebug(page, (h) => h.state().engine.restarts)).toBe(0);
  const at7 = await lotStats(page);
  expect(at7).toMatchObject({ size: 7, pairsComputed: 15 + 6, imagesEncoded: 7 });
  const incremental = await lotScores(page);
  expect(Object.keys(incremental).sort()).toEqual([...seven].sort());

  // A fresh lot of the same seven (leave lot mode and enter it again): tokens come from storage,
  // all 21 pairs are computed at once, and the scores are the incremental lot's.
  await page.getByTestId('lot-mode-switch').uncheck();
  await expect(page.getByTestId('mode-badge')).not.toHaveText(/Lot/);
  await page.getByTestId('lot-mode-switch').check();
  await expect.poll(async () => (await lotStats(page)).size, { timeout: BUDGET.scored }).toBe(7);
  await waitLotScored(page, seven);
  expect(await evalDebug(page, (h) => h.state().engine.restarts)).toBe(0);
  const fresh = await lotStats(page);
  expect(fresh).toMatchObject({ size: 7, pairsComputed: 21, imagesEncoded: 0, tokensFromStore: 7 });
  const again = await lotScores(page);
  let dFresh = 0;
  for (const n of seven)
    dFresh = Math.max(
      dFresh,
      Math.abs(again[n].lot - incremental[n].lot),
      Math.abs(again[n].max - incremental[n].max),
    );
  info.annotations.push({
    type: 'max |fresh lot − incremental lot|',
    description: dFresh.toExponential(2),
  });
  expect(dFresh).toBeLessThan(1e-6);
  await shot(page, info, 'lot-mode-scored');

  // The detail view shows the lot's map at the image's own size (640×400) and the max score.
  await card(page, 'test_c.png').dblclick();
  const detail = page.getByTestId('detail-view');
  await expect(detail.getByTestId('detail-score')).toHaveText(again['test_c.png'].max.toFixed(4));
  await expect(detail.getByTestId('detail-heatmap')).toHaveJSProperty('width', 640);
  await expect(detail.getByTestId('detail-heatmap')).toHaveJSProperty('height', 400);
  await expect(detail.getByTestId('detail-mode')).toContainText('Lot');
  await expect(detail.getByTestId('why-lot')).toBeVisible();
  await shot(page, info, 'lot-mode-detail');
});

test('lot mode keeps its own threshold and its tokens across a reload', async ({ page, app }) => {
  test.setTimeout(BUDGET.batch);
  await app.openTinyModel({ prompts: true });
  const threshold = page.getByRole('spinbutton', { name: 'Image threshold value' });
  await threshold.fill('0.3');
  await threshold.press('Enter');
  await page.getByTestId('lot-mode-switch').check();
  const five = ['ref_1.png', 'ref_2.png', 'test_a.png', 'test_b.png', 'test_d.png'];
  await drop(page, five);
  await waitLotScored(page, five);
  // The lot has its own threshold (key 'lot'): the zero-shot one set above does not apply.
  await expect(threshold).toHaveValue('0.5000');
  await threshold.fill('0.45');
  await threshold.press('Enter');
  const before = await lotScores(page);
  for (const n of five)
    await expect(card(page, n)).toHaveAttribute('data-verdict', before[n].max >= 0.45 ? 'NG' : 'OK');
  expect(await lotStats(page)).toMatchObject({ size: 5, pairsComputed: 10, imagesEncoded: 5 });
  await page.getByTestId('lot-mode-switch').uncheck();
  await expect(threshold).toHaveValue('0.3000');
  await page.getByTestId('lot-mode-switch').check();
  await expect(threshold).toHaveValue('0.4500');
  await waitLotScored(page, five);
  await evalDebug(page, (h) => h.flush());

  // After a reload the lot is made again from the stored tokens: no image pass runs.
  await page.reload();
  await waitModelReady(page);
  await expect(page.getByTestId('lot-mode-switch')).toBeChecked();
  await expect
    .poll(async () => (await evalDebug(page, (h) => h.lotStats())).size, { timeout: BUDGET.scored })
    .toBe(5);
  await waitLotScored(page, five);
  expect(await lotStats(page)).toMatchObject({ size: 5, imagesEncoded: 0, tokensFromStore: 5 });
  await expect(threshold).toHaveValue('0.4500');
  const after = await lotScores(page);
  for (const n of five) {
    expect(Math.abs(after[n].lot - before[n].lot)).toBeLessThan(1e-6);
    expect(Math.abs(after[n].max - before[n].max)).toBeLessThan(1e-6);
  }
});
