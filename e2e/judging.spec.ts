/**
 * Judging: a fresh profile gives scores but no OK/NG until a threshold exists for the mode (cards,
 * counters, exports, relative maps); a threshold set by hand brings verdicts; the review band of the
 * verdict policy gives REVIEW in the badge, the counters, the filter, CSV/JSON and the report.
 */
import { card, drop, shot, shownScores, waitScored } from './support/app';
import { saveDownload } from './support/downloads';
import { expect, test } from './support/fixtures';
import { synthFiles } from './support/synth-images';

const N = 10;

function csvRows(bytes: Buffer): Record<string, string>[] {
  const [head, ...lines] = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  const header = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

// A UI flow: WASM only (the scores themselves are checked against the engine elsewhere).
test('unjudged until a threshold is set; then OK/NG, and REVIEW from the policy', async ({
  page,
  app,
}, info) => {
  await app.openTinyModel();
  // The picker offers every format the drop zone lists.
  const accept = (await page.getByTestId('image-file-input').getAttribute('accept')) ?? '';
  for (const t of ['image/gif', '.gif', 'image/avif', '.avif']) expect(accept.split(',')).toContain(t);

  const files = await synthFiles(N, 'zs');
  await drop(page, files);
  const names = files.map((f) => f.name);
  await waitScored(page, names);

  // Scores, but no OK/NG: every card says it is not judged and offers the one fix for zero-shot.
  for (const n of names) {
    await expect(card(page, n)).toHaveAttribute('data-verdict', 'unjudged');
    await expect(card(page, n).getByTestId('card-unjudged')).toHaveText(
      /Not judged yet\s*Add good references/,
    );
  }
  await expect(page.locator('.card .pill')).toHaveCount(0);
  await expect(page.getByTestId('count-unjudged')).toHaveText(`Unjudged ${N}`);
  await expect(page.getByTestId('count-ok')).toHaveText('OK 0');
  await expect(page.getByTestId('count-ng')).toHaveText('NG 0');
  await expect(page.getByTestId('unjudged-banner')).toContainText(`${N} scored images have no threshold`);
  await expect(page.getByTestId('threshold-status').first()).toHaveAttribute('data-state', 'uncalibrated');
  await shot(page, info, 'unjudged-gallery');

  // The detail view: no verdict, and the map's scale is this image's own, said in the legend.
  await card(page, names[0]).dblclick();
  await expect(page.getByTestId('detail-verdict')).toHaveCount(0);
  await expect(page.getByTestId('detail-verdict-text')).toContainText('Not judged yet');
  await expect(page.getByTestId('legend-relative')).toContainText('Relative to this image');
  await expect(page.getByTestId('legend-threshold')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // The CSV says unjudged: empty verdict and threshold, status "unjudged".
  const unjudgedCsv = csvRows(
    (await saveDownload(page, () => page.getByRole('button', { name: 'CSV' }).click())).bytes,
  );
  expect(unjudgedCsv).toHaveLength(N);
  for (const r of unjudgedCsv) expect([r.verdict, r.status, r.image_threshold]).toEqual(['', 'unjudged', '']);

  // The card's action goes where references are added.
  await card(page, names[0]).getByRole('button', { name: 'Add good references' }).click();
  await expect(page.getByRole('tab', { name: /References/ })).toHaveAttribute('aria-selected', 'true');

  // Set a threshold by hand, between the 4th and 5th highest scores: verdicts appear.
  const shown = await shownScores(page);
  const sorted = [...names].sort((a, b) => shown[b] - shown[a]);
  const ngAt = (shown[sorted[3]] + shown[sorted[4]]) / 2;
  const threshold = page.getByRole('spinbutton', { name: 'Image threshold value' });
  await threshold.fill(ngAt.toFixed(6));
  await threshold.press('Enter');
  const committed = Number(await card(page, names[0]).getAttribute('data-threshold'));
  expect(committed).toBeCloseTo(ngAt, 6);
  const ng = names.filter((n) => shown[n] >= committed);
  expect(ng).toHaveLength(4);
  for (const n of names)
    await expect(card(page, n)).toHaveAttribute('data-verdict', ng.includes(n) ? 'NG' : 'OK');
  await expect(page.getByTestId('count-ng')).toHaveText('NG 4');
  await expect(page.getByTestId('count-ok')).toHaveText(`OK ${N - 4}`);
  await expect(page.getByTestId('count-unjudged')).toHaveCount(0);
  await expect(page.getByTestId('unjudged-banner')).toHaveCount(0);

  // The review band: REVIEW from between the 7th and 8th highest scores up to the NG threshold.
  await page.getByRole('tab', { name: 'Calibration' }).click();
  const policy = page.getByTestId('policy-settings');
  await policy.getByTestId('review-enabled').check();
  const reviewAt = (shown[sorted[6]] + shown[sorted[7]]) / 2;
  await policy.getByTestId('review-threshold').fill(reviewAt.toFixed(6));
  const review = names.filter((n) => shown[n] >= reviewAt && shown[n] < committed);
  expect(review).toHaveLength(3);
  for (const n of review) await expect(card(page, n)).toHaveAttribute('data-verdict', 'REVIEW');
  await expect(page.getByTestId('count-review')).toHaveText('REVIEW 3');
  await expect(page.getByTestId('count-ok')).toHaveText('OK 3');
  await expect(page.getByTestId('count-ng')).toHaveText('NG 4');
  await expect(card(page, review[0]).locator('.pill')).toHaveText('REVIEW');
  // Review above NG is refused in words, not silently.
  await policy.getByTestId('review-threshold').fill((committed + 0.01).toFixed(4));
  await expect(policy.getByTestId('policy-problem')).toContainText('is above the NG threshold');
  await policy.getByTestId('review-threshold').fill(reviewAt.toFixed(6));
  await expect(policy.getByTestId('policy-problem')).toHaveCount(0);
  await policy.getByTestId('region-rule-enabled').check();
  await expect(policy.getByTestId('min-region-area')).toHaveValue('1');
  await policy.screenshot({ path: `e2e/artifacts/${info.project.name}/policy-settings.png` });
  // A minimum area larger than any map: the region rule adds no NG.
  await policy.getByTestId('min-region-unit').selectOption('%');
  await policy.getByTestId('min-region-area').fill('100');
  await expect(page.getByTestId('count-ng')).toHaveText('NG 4');
  await policy.getByTestId('region-rule-enabled').uncheck();

  // The REVIEW filter lists exactly those cards.
  await page.getByRole('radio', { name: /^REVIEW 3$/ }).check({ force: true });
  await expect(page.getByTestId('result-card')).toHaveCount(3);
  const listed = await page
    .getByTestId('result-card')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name));
  expect(listed.sort()).toEqual([...review].sort());
  await card(page, review[0]).click();
  await card(page, review[0]).screenshot({ path: `e2e/artifacts/${info.project.name}/review-card.png` });
  await page.getByRole('radio', { name: /^All/ }).check({ force: true });

  // CSV, JSON and the report carry REVIEW.
  const csv = csvRows(
    (await saveDownload(page, () => page.getByRole('button', { name: 'CSV' }).click())).bytes,
  );
  const byFile = Object.fromEntries(csv.map((r) => [r.file, r.verdict]));
  for (const n of names) expect(byFile[n]).toBe(ng.includes(n) ? 'NG' : review.includes(n) ? 'REVIEW' : 'OK');
  const json = JSON.parse(
    (await saveDownload(page, () => page.getByRole('button', { name: 'JSON' }).click())).bytes.toString(
      'utf8',
    ),
  );
  expect(json.counts).toEqual({ ok: 3, review: 3, ng: 4, unjudged: 0, unscored: 0 });
  expect(json.thresholds_by_mode['zero-shot'].review).toBeCloseTo(reviewAt, 6);
  const report = (
    await saveDownload(page, () => page.getByRole('button', { name: 'Report' }).click())
  ).bytes.toString('utf8');
  expect(report).toContain('REVIEW<b>3</b>');
  expect(report.match(/<td class="verdict">REVIEW<\/td>/g)).toHaveLength(3);
  // The report was counted in the top bar while it was built, and the bar is gone afterwards.
  await expect(page.getByTestId('export-progress')).toHaveCount(0);
});

test('with no model, cards and the Calibration tab say what they wait for', async ({ page, app }, info) => {
  await app.open();
  await drop(page, ['test_a.png', 'test_b.png']);
  await expect(card(page, 'test_a.png').getByTestId('card-status')).toHaveText('Waiting for a model');
  await expect(page.getByTestId('queue-waiting')).toHaveText('No model yet');
  // The toolbar keeps every filter in view while it waits.
  await expect(page.locator('.segmented label', { hasText: 'Unscored' })).toBeInViewport({ ratio: 1 });
  await page.getByRole('tab', { name: /References/ }).click();
  await drop(page, ['ref_1.png', 'ref_2.png'], 'references');
  await page.getByRole('tab', { name: 'Calibration' }).click();
  await expect(page.getByTestId('loo-needs')).toHaveText(/^2 references wait for a model\./);
  await shot(page, info, 'waiting-for-model');
});
