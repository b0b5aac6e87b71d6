/**
 * Reference bank and prompt editor: shots switch zero-/few-shot and change every score; a new state
 * word re-scores every image from cached features (the image encoder does not run again); all scores
 * stay equal to the engine's for the same inputs.
 */

import { DEFAULT_ANOMALOUS_STATES } from '../src/core/prompts';
import { card, drop, engineStats, shot, shownScores, waitBankK, waitScored } from './support/app';
import { expect, test } from './support/fixtures';
import { maxDiff, referenceScores, TOLERANCE } from './support/reference-engine';

const IMAGES = ['test_a.png', 'test_b.png', 'test_c.png', 'test_d.png'];

test('prompt edits and reference shots re-score every image without re-encoding it', async ({
  page,
  app,
}, info) => {
  await app.openTinyModel();
  await drop(page, IMAGES);
  await waitScored(page, IMAGES);
  const zeroShot = await shownScores(page);
  const encoded = await engineStats(page);
  expect(encoded.imagesEncoded).toBe(IMAGES.length);

  // Prompt editor: add an anomalous state word.
  await page.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByLabel('New anomalous state').fill('with a scratch');
  await page.getByLabel('New anomalous state').press('Enter');
  await expect(page.getByLabel('Anomalous states 5')).toHaveValue('{} with a scratch');
  await expect(page.getByTestId('prompt-timing')).toContainText('22 new prompts embedded');
  await expect(page.getByTestId('prompt-timing')).toContainText(`${IMAGES.length} images re-scored`);
  await expect.poll(async () => maxDiff(await shownScores(page), zeroShot)).toBeGreaterThan(1e-6);
  const edited = await shownScores(page);
  const anomalousStates = [...DEFAULT_ANOMALOUS_STATES, '{} with a scratch'];
  const expectedEdited = await referenceScores(IMAGES, { objectName: 'object', anomalousStates });
  expect(maxDiff(edited, expectedEdited)).toBeLessThan(TOLERANCE);
  const afterEdit = await engineStats(page);
  expect(afterEdit.imageEncoderRuns).toBe(encoded.imageEncoderRuns);
  expect(afterEdit.imagesEncoded).toBe(IMAGES.length);
  expect(afterEdit.promptsEmbedded - encoded.promptsEmbedded).toBe(22);
  await shot(page, info, 'prompt-editor');

  // Reference bank: two normal shots → few-shot, scores change, the engine agrees.
  await page.getByRole('tab', { name: /References/ }).click();
  await expect(page.getByTestId('bank-k')).toHaveText('K = 0');
  await drop(page, ['ref_1.png', 'ref_2.png'], 'references');
  await waitBankK(page, 2);
  await expect(page.getByTestId('mode-badge')).toHaveText('Few-shot · K=2');
  await expect(page.getByTestId('reference-item')).toHaveCount(2);
  for (const n of IMAGES) await expect(card(page, n)).toHaveAccessibleName(/score/);
  await expect.poll(async () => maxDiff(await shownScores(page), edited)).toBeGreaterThan(1e-6);
  const fewShot = await shownScores(page);
  const expectedFew = await referenceScores(IMAGES, { objectName: 'object', anomalousStates }, [
    'ref_1.png',
    'ref_2.png',
  ]);
  expect(maxDiff(fewShot, expectedFew)).toBeLessThan(TOLERANCE);
  const afterRefs = await engineStats(page);
  // Only the two shots were encoded (one tile each: 3 encoder passes per tile).
  expect(afterRefs.imagesEncoded).toBe(IMAGES.length + 2);
  expect(afterRefs.imageEncoderRuns - afterEdit.imageEncoderRuns).toBe(6);
  await shot(page, info, 'reference-bank');

  // Remove one: K = 1, still few-shot, scores change again.
  await page.getByRole('button', { name: 'Remove reference ref_2.png' }).click();
  await waitBankK(page, 1);
  await expect.poll(async () => maxDiff(await shownScores(page), fewShot)).toBeGreaterThan(1e-6);
  const oneShot = await shownScores(page);
  const expectedOne = await referenceScores(IMAGES, { objectName: 'object', anomalousStates }, ['ref_1.png']);
  expect(maxDiff(oneShot, expectedOne)).toBeLessThan(TOLERANCE);

  // Remove all: back to zero-shot and to the zero-shot scores.
  await page.getByRole('button', { name: 'Remove all' }).click();
  await expect(page.getByTestId('bank-k')).toHaveText('K = 0');
  await expect(page.getByTestId('mode-badge')).toHaveText('Zero-shot');
  await expect.poll(async () => maxDiff(await shownScores(page), edited)).toBeLessThan(1e-7);
  expect((await engineStats(page)).imageEncoderRuns).toBe(afterRefs.imageEncoderRuns);
});
