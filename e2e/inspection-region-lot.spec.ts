/**
 * The inspection region in lot mode (MuSc) and in the exports: a lot scored under an ROI gives the
 * scores of a lot of the images cropped to it (the crop the CLI's `--method musc --roi` makes); the
 * JSON and CSV carry each image's `roi` and the run's inspection; the exported overlay draws the
 * don't-care area and changes nothing else.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { BUDGET, card, drop, lotScores, waitLotScored } from './support/app';
import { evalDebug } from './support/debug-handle';
import { saveDownload } from './support/downloads';
import { expect, test } from './support/fixtures';
import { fixtureImage } from './support/paths';

/** Five images (the lot's minimum) that a 200×180 ROI at (20, 24) fits: 240² to 300². */
const FIVE = ['ref_1.png', 'ref_2.png', 'test_a.png', 'test_b.png', 'test_d.png'];
const ROI = { x: 20, y: 24, width: 200, height: 180 };
const AREA = { x: 60, y: 70, width: 50, height: 40 };

async function rgb(png: Buffer): Promise<Buffer> {
  return sharp(png).removeAlpha().raw().toBuffer();
}

/** Mean absolute channel difference of two RGB buffers of `width` columns over a box. */
function meanDiff(a: Buffer, b: Buffer, width: number, box: typeof ROI): number {
  let sum = 0;
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++)
      for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * width + x) * 3 + c] - b[(y * width + x) * 3 + c]);
  return sum / (box.width * box.height * 3);
}

test('lot mode scores the ROI crop; exports carry the roi; overlays draw the don’t-care area', async ({
  page,
  app,
}, info) => {
  // Two lots of five through the queue on a small shared machine (tiny model).
  test.setTimeout(BUDGET.batch);
  await app.openTinyModel({ prompts: true });
  await page.getByTestId('lot-mode-switch').check();
  await expect(page.getByTestId('mode-badge')).toHaveText('Lot');

  // The reference: a lot of the five images cropped to the ROI by hand, scored whole.
  const crops = await Promise.all(
    FIVE.map(async (n) => ({
      name: `crop_${n}`,
      bytes: await sharp(readFileSync(fixtureImage(n)))
        .extract({ left: ROI.x, top: ROI.y, width: ROI.width, height: ROI.height })
        .png()
        .toBuffer(),
    })),
  );
  await drop(page, crops);
  await waitLotScored(
    page,
    crops.map((c) => c.name),
  );
  const cropped = await lotScores(page);
  for (const c of crops) {
    await card(page, c.name).click();
    await page.keyboard.press('Delete');
    await expect(card(page, c.name)).toHaveCount(0);
  }
  await expect.poll(async () => (await evalDebug(page, (h) => h.lotStats())).size).toBe(0);

  // The whole images under the ROI (and a don't-care box): the same lot, so the same scores.
  await evalDebug(page, (h, a) => h.applyInspectionSetup(a), {
    roi: ROI,
    ignore: [{ kind: 'rect' as const, box: AREA }],
  });
  await drop(page, FIVE);
  await waitLotScored(page, FIVE);
  await expect(page.getByTestId('mode-badge')).toHaveText('Lot · N=5');
  const withRoi = await lotScores(page);
  for (const n of FIVE) {
    expect(Math.abs(withRoi[n].max - cropped[`crop_${n}`].max)).toBeLessThan(1e-5);
    expect(Math.abs(withRoi[n].lot - cropped[`crop_${n}`].lot)).toBeLessThan(1e-5);
    await expect(card(page, n)).toHaveAttribute('data-roi', '20,24,200,180');
  }

  // JSON: every image's roi, the run's inspection; region boxes in image pixels inside the ROI, none
  // inside the don't-care box.
  const json = JSON.parse(
    (await saveDownload(page, () => page.getByRole('button', { name: 'JSON' }).click())).bytes.toString(
      'utf8',
    ),
  );
  expect(json.inspection).toEqual({ roi: ROI, ignore: [{ kind: 'rect', box: AREA }] });
  expect(json.images).toHaveLength(FIVE.length);
  for (const r of json.images) {
    expect(r.roi).toEqual(ROI);
    expect(r.max_score).toBeCloseTo(withRoi[r.file].max, 6);
    expect(r.max_pixel).not.toBeNull();
    for (const g of r.regions ?? []) {
      const [l, t, rt, b] = g.box as number[];
      expect(l).toBeGreaterThanOrEqual(ROI.x);
      expect(t).toBeGreaterThanOrEqual(ROI.y);
      expect(rt).toBeLessThanOrEqual(ROI.x + ROI.width);
      expect(b).toBeLessThanOrEqual(ROI.y + ROI.height);
      const inside = l >= AREA.x && t >= AREA.y && rt <= AREA.x + AREA.width && b <= AREA.y + AREA.height;
      expect(inside, `region ${g.box} of ${r.file} lies in the don't-care box`).toBe(false);
    }
  }
  const csv = (await saveDownload(page, () => page.getByRole('button', { name: 'CSV' }).click())).bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n');
  const header = csv[0].split(',');
  const row = csv[1].split(',');
  expect(['roi_x', 'roi_y', 'roi_width', 'roi_height'].map((c) => row[header.indexOf(c)])).toEqual([
    '20',
    '24',
    '200',
    '180',
  ]);

  // The overlay draws the don't-care box over the ROI's map; removing the box changes only its pixels.
  const detail = page.getByTestId('detail-view');
  await card(page, 'ref_2.png').dblclick();
  await expect(detail).toBeVisible();
  const exportOverlay = () =>
    saveDownload(page, () => detail.getByRole('button', { name: 'Export overlay PNG' }).click());
  const withAreaPng = (await exportOverlay()).bytes;
  // For a look as an operator would: the ROI's map, the frame dimmed, the don't-care box hatched.
  mkdirSync(`e2e/artifacts/${info.project.name}`, { recursive: true });
  writeFileSync(`e2e/artifacts/${info.project.name}/overlay-dontcare.png`, withAreaPng);
  const withArea = await rgb(withAreaPng);
  await page.getByRole('button', { name: 'Back to gallery (Esc)' }).click();
  await evalDebug(page, (h, roi) => h.applyInspectionSetup({ roi, ignore: [] }), ROI);
  await expect.poll(() => evalDebug(page, (h) => h.lotStats().then((s) => s.size))).toBe(5);
  await waitLotScored(page, FIVE);
  // Same ROI, same lot: the scores did not move (the lot's scores come from the whole crop, as the CLI's).
  const after = await lotScores(page);
  for (const n of FIVE) expect(after[n].max).toBeCloseTo(withRoi[n].max, 9);
  await card(page, 'ref_2.png').dblclick();
  await expect(detail).toBeVisible();
  const without = await rgb((await exportOverlay()).bytes);
  const inArea = meanDiff(withArea, without, 240, {
    x: AREA.x + 3,
    y: AREA.y + 3,
    width: AREA.width - 6,
    height: AREA.height - 6,
  });
  expect(inArea).toBeGreaterThan(20);
  // Right of the box, inside the ROI, away from its edge: not a pixel changed.
  const beside = { x: AREA.x + AREA.width + 4, y: AREA.y, width: 60, height: AREA.height };
  expect(meanDiff(withArea, without, 240, beside)).toBe(0);

  // With an ROI the region rule's percentage is of the region (the map covers it), and says so.
  await page.getByRole('button', { name: 'Back to gallery (Esc)' }).click();
  const threshold = page.getByRole('spinbutton', { name: 'Image threshold value' });
  await threshold.fill('0.5');
  await threshold.press('Enter');
  await page.getByRole('tab', { name: 'Calibration' }).click();
  const policy = page.getByTestId('policy-settings');
  await policy.getByTestId('region-rule-enabled').check();
  await expect(policy.getByTestId('min-region-unit').locator('option[value="%"]')).toHaveText(
    '% of the inspection region',
  );
});
