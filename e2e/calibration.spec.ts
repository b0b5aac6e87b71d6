/**
 * Verdicts a quality engineer can trust: thresholds calibrated from the reference bank (leave-one-out)
 * and kept per scoring mode, OK/NG marks with histogram, ROC and suggested thresholds, the detail
 * view's regions with state words, and the threshold colour scale (cool below the pixel threshold).
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { DEFAULT_ANOMALOUS_STATES } from '../src/core/prompts';
import {
  BUDGET,
  card,
  drop,
  shot,
  shownScores,
  unreachableControls,
  waitBankK,
  waitModelReady,
  waitScored,
} from './support/app';
import { evalDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { fixtureImage } from './support/paths';
import { referenceScores, TOLERANCE } from './support/reference-engine';

interface CalibView {
  byMode: Record<string, { image: number; pixel: number; source: string }>;
  labels: Record<string, string>;
  loo: { status: string; modeKey: string | null; entries: { name: string; imageScore: number }[] };
}

function calibration(page: Page): Promise<CalibView> {
  return evalDebug(page, (h) => h.calibration() as unknown as CalibView);
}

async function setThreshold(page: Page, which: 'Image' | 'Pixel', value: number): Promise<void> {
  const field = page.getByRole('spinbutton', { name: `${which} threshold value` });
  await field.fill(value.toFixed(6));
  await field.press('Enter');
}

/** Max + 1·std (sample std) of the leave-one-out scores: the rule the app states. */
function maxPlusStd(v: number[]): number {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return Math.max(...v) + std;
}

test('three good references calibrate the few-shot thresholds; switching mode never keeps a stale one', async ({
  page,
  app,
}, info) => {
  // Two defective parts and a good one (a reference photo mirrored: another view of a good part).
  const good = await sharp(readFileSync(fixtureImage('ref_1.png')))
    .flop()
    .png()
    .toBuffer();
  const IMAGES = ['test_a.png', 'test_d.png', 'good_mirrored.png'];
  const REFS = ['ref_1.png', 'ref_2.png', 'test_b.png'];
  await app.openTinyModel();
  await drop(page, ['test_a.png', 'test_d.png', { name: 'good_mirrored.png', bytes: good }]);
  await waitScored(page, IMAGES);
  const status = page.getByTestId('threshold-status').first();
  await expect(status).toHaveAttribute('data-mode', 'zero-shot');
  await expect(status).toHaveAttribute('data-state', 'uncalibrated');
  // A zero-shot threshold set by hand.
  await setThreshold(page, 'Image', 0.531);
  await expect(status).toHaveAttribute('data-state', 'manual');

  await page.getByRole('tab', { name: /References/ }).click();
  await drop(page, REFS, 'references');
  await waitBankK(page, 3);
  await expect(status).toHaveAttribute('data-mode', 'few-shot:3');
  // The zero-shot 0.531 is never applied to few-shot scores: the mode is uncalibrated until the
  // leave-one-out run ends, then calibrated.
  await expect(status).toHaveAttribute('data-state', /uncalibrated|reference-bank/);
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).not.toHaveValue('0.5310');
  await expect(status).toHaveAttribute('data-state', 'reference-bank');

  // Each reference against the other two, computed by the Node engine through the ordinary few-shot path.
  const loo: number[] = [];
  for (const r of REFS) {
    const others = REFS.filter((x) => x !== r);
    loo.push((await referenceScores([r], { objectName: 'object' }, others))[r]);
  }
  const cal = await calibration(page);
  expect(cal.loo.status).toBe('done');
  expect(cal.loo.modeKey).toBe('few-shot:3');
  const shownLoo = Object.fromEntries(cal.loo.entries.map((e) => [e.name, e.imageScore]));
  for (const [i, r] of REFS.entries()) expect(Math.abs(shownLoo[r] - loo[i])).toBeLessThan(TOLERANCE);
  const expected = maxPlusStd(loo);
  const t = cal.byMode['few-shot:3'];
  expect(t.source).toBe('reference-bank');
  expect(Math.abs(t.image - expected)).toBeLessThan(TOLERANCE);
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue(
    t.image.toFixed(4),
  );
  await expect(page.getByRole('spinbutton', { name: 'Pixel threshold value' })).toHaveValue(
    t.pixel.toFixed(4),
  );

  // Verdicts follow the calibrated threshold.
  const few = await shownScores(page);
  for (const n of IMAGES) {
    await expect(card(page, n)).toHaveAttribute('data-threshold', String(t.image));
    await expect(card(page, n)).toHaveAttribute('data-verdict', few[n] >= t.image ? 'NG' : 'OK');
  }
  // Marks on the few-shot scores sit next to the bank's calibration.
  for (const [n, key] of [
    ['test_a.png', 'n'],
    ['test_d.png', 'n'],
    ['good_mirrored.png', 'g'],
  ] as const) {
    await card(page, n).click();
    await page.keyboard.press(key);
  }
  await page.getByRole('tab', { name: 'Calibration' }).click();
  await expect(page.getByTestId('labels-counts')).toContainText('1 marked OK, 2 marked NG in Few-shot · K=3');
  await expect(page.getByTestId('loo-table').locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('loo-suggested')).toContainText('max + 1·std of the leave-one-out scores');
  await expect(page.getByTestId('loo-image-threshold')).toHaveText(t.image.toFixed(4));
  await shot(page, info, 'calibration-bank');

  // A prompt edit moves the scores: leave-one-out runs again and the few-shot thresholds follow, and
  // the zero-shot threshold set under the old prompts turns stale.
  {
    await page.getByRole('tab', { name: 'Prompts' }).click();
    await page.getByLabel('New anomalous state').fill('with a scratch');
    await page.getByLabel('New anomalous state').press('Enter');
    await expect
      .poll(async () => (await calibration(page)).byMode['few-shot:3'].image, { timeout: BUDGET.scored })
      .not.toBe(t.image);
    await expect(status).toHaveAttribute('data-state', 'reference-bank');
    const prompts = {
      objectName: 'object',
      anomalousStates: [...DEFAULT_ANOMALOUS_STATES, '{} with a scratch'],
    };
    const loo2: number[] = [];
    for (const r of REFS)
      loo2.push(
        (
          await referenceScores(
            [r],
            prompts,
            REFS.filter((x) => x !== r),
          )
        )[r],
      );
    const t2 = (await calibration(page)).byMode['few-shot:3'];
    expect(Math.abs(t2.image - maxPlusStd(loo2))).toBeLessThan(TOLERANCE);
  }

  // Back to zero-shot: the zero-shot threshold returns, not the few-shot one.
  await page.getByRole('tab', { name: /References/ }).click();
  await page.getByRole('button', { name: 'Remove all' }).click();
  await expect(status).toHaveAttribute('data-mode', 'zero-shot');
  await expect(status).toHaveAttribute('data-state', 'stale');
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.5310');
  const zero = await shownScores(page);
  for (const n of IMAGES)
    await expect(card(page, n)).toHaveAttribute('data-verdict', zero[n] >= 0.531 ? 'NG' : 'OK');
});

test('OK/NG marks give a histogram, ROC and confusion matrix, and offer thresholds; marks survive a reload', async ({
  page,
  app,
}, info) => {
  // test_d stays unmarked.
  const IMAGES = ['test_a.png', 'test_b.png', 'test_d.png'];
  await app.openTinyModel();
  await drop(page, IMAGES);
  await waitScored(page, IMAGES);
  const scores = await shownScores(page);
  // Keyboard on a focused card: N marks NG, G marks OK, the same key again clears.
  await card(page, 'test_a.png').click();
  await page.keyboard.press('n');
  await expect(card(page, 'test_a.png')).toHaveAttribute('data-label', 'NG');
  await card(page, 'test_b.png').click();
  await page.keyboard.press('g');
  await page.keyboard.press('g');
  await expect(card(page, 'test_b.png')).not.toHaveAttribute('data-label', /./);
  await page.keyboard.press('g');
  await expect(card(page, 'test_b.png')).toHaveAttribute('data-label', 'OK');

  // The mark filter shows exactly the cards with that mark, with every toolbar control still in reach.
  const markFilter = page.getByLabel('Filter by mark');
  const shown = () =>
    page.getByTestId('result-card').evaluateAll((cards) => cards.map((c) => c.dataset.name));
  await markFilter.selectOption('NG');
  await expect.poll(shown).toEqual(['test_a.png']);
  await markFilter.selectOption('unmarked');
  await expect.poll(shown).toEqual(['test_d.png']);
  await markFilter.selectOption('OK');
  await expect.poll(shown).toEqual(['test_b.png']);
  await expect(markFilter.locator('option:checked')).toHaveText('OK 1');
  expect(await unreachableControls(page, '[role="toolbar"][aria-label="Images"]')).toEqual([]);
  await shot(page, info, 'gallery-mark-filter');
  // At the app's narrowest width too, with four counts in the top bar: every control in reach.
  await page.setViewportSize({ width: 1024, height: 900 });
  expect(await unreachableControls(page, 'header.topbar')).toEqual([]);
  expect(await unreachableControls(page, '[role="toolbar"][aria-label="Images"]')).toEqual([]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await markFilter.selectOption('all');
  await expect(page.getByTestId('result-card')).toHaveCount(3);

  await page.getByRole('tab', { name: 'Calibration' }).click();
  await expect(page.getByTestId('labels-counts')).toContainText('1 marked OK, 1 marked NG in Zero-shot');
  await expect(page.getByTestId('label-histogram')).toBeVisible();
  await expect(page.getByTestId('label-roc')).toBeVisible();
  const separated = scores['test_a.png'] > scores['test_b.png'];
  await expect(page.getByTestId('label-auroc')).toHaveText(`AUROC ${separated ? '1.000' : '0.000'}`);
  // Confusion matrix at the default threshold 0.5.
  const ngFlag = scores['test_a.png'] >= 0.5 ? 1 : 0;
  const okFlag = scores['test_b.png'] >= 0.5 ? 1 : 0;
  await expect(page.getByTestId('cm-tp')).toHaveText(String(ngFlag));
  await expect(page.getByTestId('cm-fn')).toHaveText(String(1 - ngFlag));
  await expect(page.getByTestId('cm-fp')).toHaveText(String(okFlag));
  await expect(page.getByTestId('cm-tn')).toHaveText(String(1 - okFlag));
  await shot(page, info, 'calibration-marks');

  // "No missed NG": the lowest NG score becomes the image threshold, so test_a is NG.
  const zeroMiss = page.getByTestId('label-suggestions').locator('li', { hasText: 'No missed NG' });
  await expect(zeroMiss).toContainText(scores['test_a.png'].toFixed(4));
  await zeroMiss.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('threshold-status').first()).toHaveAttribute('data-state', 'labels');
  await expect(card(page, 'test_a.png')).toHaveAttribute('data-verdict', 'NG');
  await expect(page.getByTestId('cm-fn')).toHaveText('0');
  await expect(card(page, 'test_b.png')).toHaveAttribute(
    'data-verdict',
    scores['test_b.png'] >= scores['test_a.png'] ? 'NG' : 'OK',
  );

  await evalDebug(page, (h) => h.flush());
  const before = (await calibration(page)).labels;
  expect(Object.values(before).sort()).toEqual(['NG', 'OK']);
  await page.reload();
  await waitModelReady(page);
  expect((await calibration(page)).labels).toEqual(before);
  expect((await calibration(page)).byMode['zero-shot'].source).toBe('labels');
});

test('the detail view lists regions with a state word; the threshold scale is cool below the pixel threshold', async ({
  page,
  app,
}, info) => {
  await app.openTinyModel();
  await drop(page, ['test_a.png']);
  await waitScored(page, ['test_a.png']);
  await card(page, 'test_a.png').dblclick();
  const detail = page.getByTestId('detail-view');
  await expect(detail.getByTestId('detail-max-pixel')).toHaveText(/^0\.\d{4}$/);
  const maxPixel = Number(await detail.getByTestId('detail-max-pixel').textContent());

  /** Counts heatmap pixels that are cool (blue over red) and warm (red over blue). */
  const heatColours = () =>
    detail.getByTestId('detail-heatmap').evaluate((c: HTMLCanvasElement) => {
      const copy = document.createElement('canvas');
      copy.width = c.width;
      copy.height = c.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let cool = 0;
      let warm = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 2] > d[i]) cool++;
        else if (d[i] > d[i + 2]) warm++;
      }
      return { cool, warm, total: d.length / 4 };
    });

  // Pixel threshold above the map's maximum: no region, every heatmap pixel in cool colours.
  await setThreshold(page, 'Pixel', maxPixel + 0.01);
  await expect(detail.getByTestId('why-none')).toBeVisible();
  await expect(detail.getByTestId('detail-area')).toHaveText('0.00% · 0 regions');
  await expect.poll(async () => (await heatColours()).cool).toBe(240 * 240);

  // Below the maximum: regions appear, each with an anomalous state word, and warm pixels with them.
  await setThreshold(page, 'Pixel', maxPixel - 0.004);
  const items = detail.getByTestId('region-item');
  await expect(items.first()).toBeVisible();
  const n = await items.count();
  await expect(detail.getByTestId('detail-area')).toHaveText(new RegExp(`· ${n} regions?$`));
  const words = ['damaged object', 'object with flaw', 'object with defect', 'object with damage'];
  for (let i = 0; i < n; i++) {
    const state = (await items.nth(i).getByTestId('region-state').textContent()) ?? '';
    expect(words.some((w) => state.startsWith(w))).toBe(true);
  }
  const colours = await heatColours();
  expect(colours.warm).toBeGreaterThan(0);
  expect(colours.cool).toBeGreaterThan(0);
  await expect(detail.getByTestId('image-states')).toContainText('%');
  await expect(detail.getByTestId('legend-threshold')).toBeVisible();
  await detail.getByText('How to read this').click();
  await expect(detail.getByTestId('how-to-read')).toContainText('max + 1·std');
  await detail.getByText('How to read this').click();
  await items.first().hover();
  await expect(detail.getByTestId('region-highlight')).toBeVisible();
  await shot(page, info, 'detail-explained');

  // The CSV carries the mark, the thresholds the verdict used, and the regions with their state word.
  // (Focus leaves the threshold field first: keys typed into a field are the field's.)
  await detail.getByRole('heading', { name: 'test_a.png' }).click();
  await page.keyboard.press('n');
  await expect(detail.getByTestId('detail-label')).toHaveText('NG');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'CSV' }).click(),
  ]);
  const [head, row] = readFileSync(await download.path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  const cols = head.split(',');
  const cell = (c: string) => row.split(',')[cols.indexOf(c)];
  expect(cell('label')).toBe('NG');
  expect(cell('threshold_mode')).toBe('zero-shot');
  expect(Number(cell('pixel_threshold'))).toBeCloseTo(maxPixel - 0.004, 6);
  expect(Number(cell('regions'))).toBe(n);
  expect(words).toContain(cell('top_region_state'));
});
