/**
 * The inspection region: drawn in the detail view with the mouse and the keyboard, applied to the whole
 * gallery, kept over a reload and carried by a recipe to a fresh profile; scoring with an ROI is
 * exactly scoring the image cropped to it.
 */
import type { Locator, Page } from '@playwright/test';
import sharp from 'sharp';
import { BUDGET, card, drop, engineStats, revealCard, shot, shownScores, waitScored } from './support/app';
import { evalDebug, waitDebug } from './support/debug-handle';
import { saveDownload } from './support/downloads';
import { expect, test } from './support/fixtures';
import { guardedContext } from './support/guarded-context';
import { fixtureImage } from './support/paths';

/** test_a and test_b are 240² and 300², test_c 640×400: an ROI inside 240² fits all three. */
const PARTS = ['test_a.png', 'test_b.png', 'test_c.png'];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The editor's one-line summary ("ROI 40,50 150×120 · 1 don't-care area") read back as a box. */
async function summaryRoi(page: Page): Promise<Box> {
  const text = (await page.getByTestId('region-summary').textContent()) ?? '';
  const m = /ROI (\d+),(\d+) (\d+)×(\d+)/.exec(text);
  if (!m) throw new Error(`no ROI in "${text}"`);
  const [x, y, width, height] = m.slice(1).map(Number);
  return { x, y, width, height };
}

/** Page coordinates of an image pixel on the editor's surface (`size`: the image's width and height). */
async function at(canvas: Locator, size: [number, number], x: number, y: number): Promise<[number, number]> {
  const b = (await canvas.boundingBox())!;
  return [b.x + (x / size[0]) * b.width, b.y + (y / size[1]) * b.height];
}

async function dragOn(
  page: Page,
  canvas: Locator,
  size: [number, number],
  from: [number, number],
  to: [number, number],
) {
  await page.mouse.move(...(await at(canvas, size, ...from)));
  await page.mouse.down();
  await page.mouse.move(...(await at(canvas, size, (from[0] + to[0]) / 2, (from[1] + to[1]) / 2)));
  await page.mouse.move(...(await at(canvas, size, ...to)));
  await page.mouse.up();
}

async function clickOn(page: Page, canvas: Locator, size: [number, number], p: [number, number]) {
  await page.mouse.click(...(await at(canvas, size, ...p)));
}

/** Opens test_c's detail view and its inspection-region editor. */
async function openEditor(page: Page): Promise<Locator> {
  await (await revealCard(page, 'test_c.png')).dblclick();
  await expect(page.getByTestId('detail-view')).toBeVisible();
  await page.getByRole('button', { name: 'Inspection region' }).click();
  await expect(page.getByTestId('region-explanation')).toHaveText(
    "Only the region is scored; don't-care areas are left out of the map, the regions and the few-shot score. " +
      "The zero-shot score comes from the whole (cropped) image's embedding.",
  );
  return page.getByTestId('region-canvas');
}

/**
 * Applies the editor's setup and waits until the app has taken it (the button leaves "Applying…"):
 * the references are encoded again and every image is queued by then. Until then the cards still show
 * the old scores, so reading them earlier reads the wrong ones.
 */
async function applyRegion(page: Page): Promise<void> {
  const apply = page.getByTestId('region-apply');
  await apply.click();
  await expect(apply).toHaveText('Apply to gallery', { timeout: BUDGET.scored });
  await expect(apply).toBeDisabled();
}

/** The gallery's scores once the queue has scored every image again and every named card has one. */
async function rescored(page: Page, names: string[]): Promise<Record<string, number>> {
  await waitDebug(
    page,
    (h) => {
      const s = h.state();
      return !s.queue.running && s.images.every((im) => im.status === 'done' || im.status === 'error');
    },
    { timeout: BUDGET.scored * names.length },
  );
  await waitScored(page, names, BUDGET.scored * names.length);
  const out: Record<string, number> = {};
  for (const n of names) out[n] = Number(await (await revealCard(page, n)).getAttribute('data-score'));
  return out;
}

test("draw an ROI and a don't-care polygon; the gallery re-scores; they survive a reload and travel in a recipe", async ({
  page,
  app,
  browser,
  baseURL,
}, info) => {
  // Two profiles, each embedding the prompts and scoring the gallery twice, and a reload: on 2 shared
  // cores that runs past the default 3 minutes.
  test.slow();
  await app.openTinyModel();
  await drop(page, PARTS);
  await waitScored(page, PARTS, BUDGET.scored * PARTS.length);
  const whole = await shownScores(page);

  const canvas = await openEditor(page);
  const size: [number, number] = [640, 400];
  // The ROI by mouse, then a polygon: three clicks, closed by a click on its first point.
  await dragOn(page, canvas, size, [40, 30], [200, 190]);
  await expect(page.getByTestId('roi-outline')).toHaveCount(1);
  await page.getByRole('button', { name: "Don't-care ⬠" }).click();
  await clickOn(page, canvas, size, [80, 80]);
  await clickOn(page, canvas, size, [140, 90]);
  await clickOn(page, canvas, size, [110, 150]);
  await expect(page.getByTestId('polygon-draft')).toHaveAttribute('data-points', '3');
  await page.mouse.move(...(await at(canvas, size, 90, 130)));
  await shot(page, info, 'roi-editor');
  await clickOn(page, canvas, size, [81, 81]);
  await expect(page.getByTestId('dontcare-area')).toHaveCount(1);
  await expect(page.getByTestId('dontcare-area')).toHaveAttribute('data-kind', 'polygon');

  // The keyboard: a second polygon drawn and cancelled with Escape; the ROI selected with Tab and
  // nudged (1 px, Shift: 10 px); undo and redo.
  await clickOn(page, canvas, size, [60, 160]);
  await clickOn(page, canvas, size, [70, 170]);
  await expect(page.getByTestId('polygon-draft')).toHaveAttribute('data-points', '2');
  await canvas.press('Escape');
  await expect(page.getByTestId('polygon-draft')).toHaveCount(0);
  await page.getByRole('button', { name: 'Select / move' }).click();
  await canvas.focus();
  await canvas.press('Escape');
  await canvas.press('Tab');
  await expect(page.getByTestId('region-selection')).toContainText('the region');
  const drawn = await summaryRoi(page);
  await canvas.press('ArrowRight');
  await canvas.press('Shift+ArrowDown');
  expect(await summaryRoi(page)).toEqual({ ...drawn, x: drawn.x + 1, y: drawn.y + 10 });
  await canvas.press('Control+z');
  expect(await summaryRoi(page)).toEqual({ ...drawn, x: drawn.x + 1 });
  await page.getByRole('button', { name: /Redo/ }).click();
  const roi = await summaryRoi(page);
  expect(roi).toEqual({ ...drawn, x: drawn.x + 1, y: drawn.y + 10 });
  expect(roi.x + roi.width).toBeLessThanOrEqual(240);
  expect(roi.y + roi.height).toBeLessThanOrEqual(240);
  await expect(page.getByTestId('region-summary')).toContainText("1 don't-care area");

  // Applying re-scores the whole gallery: every image is encoded again, cropped.
  const runsBefore = (await engineStats(page)).imagesEncoded;
  await applyRegion(page);
  await page.getByRole('button', { name: 'Close editor' }).click();
  await expect(page.getByTestId('roi-outline')).toHaveCount(1);
  await page.getByRole('button', { name: 'Back to gallery (Esc)' }).click();
  const withRoi = await rescored(page, PARTS);
  expect((await engineStats(page)).imagesEncoded).toBeGreaterThanOrEqual(runsBefore + PARTS.length);
  for (const n of PARTS) {
    await expect(card(page, n)).toHaveAttribute('data-roi', `${roi.x},${roi.y},${roi.width},${roi.height}`);
    expect(withRoi[n]).not.toBeCloseTo(whole[n], 6);
  }
  await shot(page, info, 'roi-gallery');

  // A reload keeps the region, the polygon and the scores.
  await evalDebug(page, (h) => h.flush());
  await page.reload();
  await waitScored(page, PARTS, BUDGET.scored * PARTS.length);
  // The images are read again under the region (features from storage): their stored scores stay on
  // screen meanwhile, never blank.
  await page.evaluate(() => {
    const w = window as unknown as { blanked: number };
    w.blanked = 0;
    new MutationObserver((records) => {
      for (const r of records) if ((r.target as HTMLElement).getAttribute('data-score') === null) w.blanked++;
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-score'] });
  });
  await waitDebug(
    page,
    (h) => {
      const s = h.state();
      return s.model.phase === 'ready' && !s.queue.running && s.images.every((im) => im.status === 'done');
    },
    { timeout: BUDGET.scored * PARTS.length },
  );
  expect(await page.evaluate(() => (window as unknown as { blanked: number }).blanked)).toBe(0);
  const reloaded = await rescored(page, PARTS);
  for (const n of PARTS) expect(reloaded[n]).toBeCloseTo(withRoi[n], 6);
  await openEditor(page);
  expect(await summaryRoi(page)).toEqual(roi);
  await expect(page.getByTestId('dontcare-area')).toHaveAttribute('data-kind', 'polygon');

  // A recipe carries them to a fresh profile: the same scores there.
  const saved = await saveDownload(page, () =>
    page.getByTestId('recipe-bar').getByRole('button', { name: 'Save' }).click(),
  );
  const recipe = JSON.parse(saved.bytes.toString('utf8'));
  expect(recipe.inspection.roi).toEqual(roi);
  expect(recipe.inspection.ignore).toHaveLength(1);
  expect(recipe.inspection.ignore[0].kind).toBe('polygon');
  expect(recipe.inspection.ignore[0].points).toHaveLength(3);
  const fresh = await guardedContext(browser, baseURL);
  try {
    const p2 = await fresh.context.newPage();
    await app.openTinyModel({ page: p2 });
    await drop(p2, [{ name: 'station.json', bytes: saved.bytes, type: 'application/json' }]);
    // Its name shows once it is applied (the bar says "Opening…" meanwhile).
    await expect(p2.getByTestId('recipe-bar')).toContainText('station.json');
    await drop(p2, PARTS);
    const there = await rescored(p2, PARTS);
    for (const n of PARTS) {
      expect(there[n]).toBeCloseTo(withRoi[n], 6);
      await expect(card(p2, n)).toHaveAttribute('data-roi', `${roi.x},${roi.y},${roi.width},${roi.height}`);
    }
    expect(fresh.external, 'requests that left 127.0.0.1').toEqual([]);
  } finally {
    await fresh.context.close();
  }
});

// A UI flow: WASM only. Cropping to the ROI happens before the encoder, on the CPU on every backend.
test('scoring with an ROI gives the score of the image cropped to it; an image the ROI does not fit says so', async ({
  page,
  app,
}) => {
  await app.openTinyModel();
  await drop(page, ['test_c.png']);
  await waitScored(page, ['test_c.png']);
  const canvas = await openEditor(page);
  await dragOn(page, canvas, [640, 400], [300, 100], [520, 330]);
  const roi = await summaryRoi(page);
  // The same box cut out by hand, scored whole before the ROI is applied.
  const cropped = await sharp(fixtureImage('test_c.png'))
    .extract({ left: roi.x, top: roi.y, width: roi.width, height: roi.height })
    .png()
    .toBuffer();
  await applyRegion(page);
  await page.getByRole('button', { name: 'Back to gallery (Esc)' }).click();
  const withRoi = await rescored(page, ['test_c.png']);
  await drop(page, [{ name: 'test_c-cropped.png', bytes: cropped }]);
  // The ROI does not fit the crop (it starts beyond the crop's width): not scored, and said why.
  await expect(card(page, 'test_c-cropped.png').getByTestId('card-error')).toContainText(
    `The inspection region ${roi.x},${roi.y},${roi.width},${roi.height} lies outside the ${roi.width}×${roi.height} image`,
    { timeout: BUDGET.scored },
  );
  // Back to the whole image: the crop is scored as it is, and equals the ROI's score.
  await (await revealCard(page, 'test_c.png')).dblclick();
  await page.getByRole('button', { name: 'Inspection region' }).click();
  await page.getByTestId('region-panel').getByRole('button', { name: 'Clear' }).click();
  await applyRegion(page);
  await page.getByRole('button', { name: 'Back to gallery (Esc)' }).click();
  const after = await rescored(page, ['test_c-cropped.png']);
  expect(after['test_c-cropped.png']).toBeCloseTo(withRoi['test_c.png'], 6);
});
