/**
 * Recipes carry a station's setup to a fresh browser profile (same prompts, thresholds, references and
 * scores); exports carry every per-image field; the HTML report opens offline from a file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToBase64 } from '../src/core/recipe';
import { fingerprintBytes } from '../src/core/weights-fingerprint';
import { parseNpyFloat32 } from '../src/io/npy';
import { resultsErrors } from '../test/results-schema';
import { drop, pickTinyModelFiles, shot, shownScores, waitModelReady, waitScored } from './support/app';
import { evalDebug } from './support/debug-handle';
import { fakeSavePicker, saveDownload, storedZipEntries, zipAsDownload } from './support/downloads';
import { expect, test } from './support/fixtures';
import { FILE_ONLY, guardedContext } from './support/guarded-context';
import { FIXTURE, fixtureImage, TINY_REPO } from './support/paths';

const TESTS = ['test_a.png', 'test_c.png'];
/** One part and one reference shot keep the two-profile test short on SwiftShader. */
const PART = 'test_a.png';
const TEMPLATES = ['a photo of a {}.', 'a cropped photo of the {}.'];

test('a recipe opened in a fresh profile gives the same prompts, thresholds, references and scores', async ({
  page,
  app,
  browser,
  baseURL,
}, info) => {
  // The setup is made before the model loads, and with two templates: the prompts are embedded once,
  // and few (SwiftShader needs seconds per text-encoder batch).
  await app.open();
  await page.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByLabel('Object name').fill('bottle');
  await page.getByLabel('New normal state').fill('clean {}');
  await page.getByLabel('New normal state').press('Enter');
  await page.getByText('Advanced: templates').click();
  await page.getByTestId('templates').fill(TEMPLATES.join('\n'));
  await page.getByRole('tab', { name: 'Model' }).click();
  await page.getByPlaceholder('owner/name').fill(TINY_REPO);
  await page.getByPlaceholder('owner/name').press('Enter');
  await waitModelReady(page);
  await page.getByRole('tab', { name: /References/ }).click();
  await drop(page, ['ref_1.png'], 'references');
  await expect(page.getByTestId('mode-badge')).toHaveText('Few-shot · K=1');
  // Thresholds belong to a mode: these are the few-shot (K = 1) ones the recipe must carry.
  await page.getByRole('spinbutton', { name: 'Image threshold value' }).fill('0.531');
  await page.getByRole('spinbutton', { name: 'Image threshold value' }).press('Enter');
  await page.getByRole('spinbutton', { name: 'Pixel threshold value' }).fill('0.6');
  await page.getByRole('spinbutton', { name: 'Pixel threshold value' }).press('Enter');
  await drop(page, [PART]);
  await waitScored(page, [PART]);
  const before = await shownScores(page);

  const saved = await saveDownload(page, () =>
    page.getByTestId('recipe-bar').getByRole('button', { name: 'Save' }).click(),
  );
  expect(saved.name).toMatch(/^winclip-recipe-bottle-\d{8}-\d{6}\.json$/);
  const recipe = JSON.parse(saved.bytes.toString('utf8'));
  expect(recipe.format).toBe('winclip-recipe');
  expect(recipe.model.source).toEqual({ kind: 'hub', repo: TINY_REPO });
  expect(recipe.model.weightsFingerprint).toMatch(/^sampled-sha256-v1:[0-9a-f]{64}$/);
  expect(recipe.thresholds).toEqual({ 'few-shot': { image: 0.531, pixel: 0.6 } });
  expect(recipe.references.map((r: { name: string }) => r.name)).toEqual(['ref_1.png']);
  expect(recipe.prompts.templates).toEqual(TEMPLATES);

  // A fresh profile: nothing cached, nothing saved. The recipe arrives by ?recipe=<url>.
  const fresh = await guardedContext(browser, baseURL);
  try {
    await fresh.context.route('**/station/recipe.json', (route) =>
      route.fulfill({ body: saved.bytes, contentType: 'application/json' }),
    );
    const p2 = await fresh.context.newPage();
    await app.open({ page: p2, extra: { recipe: '/station/recipe.json' } });
    const offer = p2.getByTestId('recipe-offer');
    await expect(offer).toContainText(`This recipe is for ${TINY_REPO}, which is not loaded.`);
    await shot(p2, info, 'recipe-offer');
    await offer.getByRole('button', { name: `Load ${TINY_REPO}` }).click();
    await waitModelReady(p2);
    await expect(offer).toHaveCount(0);
    await expect(p2.getByTestId('mode-badge')).toHaveText('Few-shot · K=1');
    await expect(p2.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.5310');
    await expect(p2.getByRole('spinbutton', { name: 'Pixel threshold value' })).toHaveValue('0.6000');
    await p2.getByRole('tab', { name: 'Prompts' }).click();
    await expect(p2.getByLabel('Object name')).toHaveValue('bottle');
    await expect(p2.getByLabel('Normal states 8')).toHaveValue('clean {}');
    await expect(p2.getByTestId('prompt-status')).toContainText('16 normal');
    await p2.getByText('Advanced: templates').click();
    await expect(p2.getByTestId('templates')).toHaveValue(TEMPLATES.join('\n'));
    await drop(p2, [PART]);
    await waitScored(p2, [PART]);
    const after = await shownScores(p2);
    expect(after[PART]).toBeCloseTo(before[PART], 6);

    // A recipe made with other weights, dropped on the workspace: said so, with its model on offer.
    {
      const other = {
        ...recipe,
        model: {
          ...recipe.model,
          source: { kind: 'hub', repo: 'other-org/other-clip' },
          label: 'other-org/other-clip',
          weightsFingerprint: `sampled-sha256-v1:${'0'.repeat(64)}`,
        },
      };
      await drop(p2, [
        { name: 'other.json', bytes: Buffer.from(JSON.stringify(other)), type: 'application/json' },
      ]);
      await expect(offer).toContainText(
        `The recipe is for other-org/other-clip; the loaded weights are different (${TINY_REPO}).`,
      );
      await expect(offer.getByRole('button', { name: 'Load other-org/other-clip' })).toBeVisible();
    }
    expect(fresh.external, 'requests that left 127.0.0.1').toEqual([]);
  } finally {
    await fresh.context.close();
  }
});

test("a recipe's thresholds apply once its model's files are picked, and stay over the bank's calibration", async ({
  page,
  app,
}, info) => {
  // Made on a station that kept its local files, opened in a fresh profile: the model must be picked.
  const recipe = {
    format: 'winclip-recipe',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: {
      source: { kind: 'local' },
      label: 'open_clip_model (kept)',
      weightsBytes: readFileSync(`${FIXTURE}/open_clip_model.safetensors`).byteLength,
      weightsFingerprint: fingerprintBytes(
        new Uint8Array(readFileSync(`${FIXTURE}/open_clip_model.safetensors`)),
      ),
      commit: null,
    },
    prompts: {
      objectName: 'object',
      normalStates: ['{}'],
      anomalousStates: ['broken {}'],
      templates: TEMPLATES,
    },
    thresholds: { 'few-shot': { image: 0.2698, pixel: 0.61 } },
    calibration: null,
    references: ['ref_1.png', 'ref_2.png'].map((name) => ({
      name,
      mediaType: 'image/png',
      data: bytesToBase64(readFileSync(fixtureImage(name))),
    })),
  };
  await page
    .context()
    .route('**/station/local-recipe.json', (route) =>
      route.fulfill({ body: JSON.stringify(recipe), contentType: 'application/json' }),
    );
  await app.open({ extra: { recipe: '/station/local-recipe.json' } });
  const offer = page.getByTestId('recipe-offer');
  await expect(offer).toContainText('This recipe is for open_clip_model (kept), which is not loaded.');
  await expect(offer).toContainText('Drop its files in the Model tab.');

  await page.getByRole('tab', { name: 'Model' }).click();
  await pickTinyModelFiles(page);
  await waitModelReady(page);
  // The same weights, under another name: the banner goes and the recipe's thresholds are in use.
  await expect(offer).toHaveCount(0);
  const status = page.getByTestId('threshold-status').first();
  await expect(status).toHaveAttribute('data-mode', 'few-shot:2');
  await expect(status).toHaveAttribute('data-state', 'recipe');
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.2698');
  await expect(page.getByRole('spinbutton', { name: 'Pixel threshold value' })).toHaveValue('0.6100');
  // The bank's own calibration finishes and is offered, not applied.
  await expect
    .poll(() => evalDebug(page, (h) => h.calibration().loo.status), { timeout: 120_000 })
    .toBe('done');
  const calib = await evalDebug(page, (h) => h.calibration());
  const suggested = calib.loo.suggested!;
  expect(calib.byMode['few-shot:2']).toMatchObject({ image: 0.2698, pixel: 0.61, source: 'recipe' });
  const calibOffer = status.getByTestId('calibration-offer');
  await expect(calibOffer).toContainText(
    `New calibration ${suggested.image.toFixed(4)} / ${suggested.pixel.toFixed(4)}`,
  );
  await expect(status).toHaveAttribute('data-state', 'recipe');
  await shot(page, info, 'recipe-thresholds-kept');
  // "Keep" hides the offer on the toolbar; the recipe's thresholds stay.
  await calibOffer.getByRole('button', { name: 'Keep current' }).click();
  await expect(calibOffer).toHaveCount(0);
  await expect(page.getByRole('spinbutton', { name: 'Image threshold value' })).toHaveValue('0.2698');
});

test('exports carry every per-image field, raw maps as .npy, and a report that opens offline', async ({
  page,
  app,
  browser,
}, info) => {
  await app.openTinyModel();
  await drop(page, TESTS);
  await waitScored(page, TESTS);

  // Raw maps: float32 (H, W) per image, with an annotated overlay beside each, named as winclip score --maps
  // names them (src/core/map-files.ts); first as a download (no save picker, as in Firefox and Safari), then
  // streamed into a picked file: the same entries.
  await zipAsDownload(page);
  const zip = await saveDownload(page, () => page.getByRole('button', { name: 'Maps (ZIP)' }).click());
  expect(zip.name).toMatch(/^winclip-maps-\d{8}-\d{6}\.zip$/);
  const entries = storedZipEntries(zip.bytes);
  const picked = await fakeSavePicker(page);
  await page.getByRole('button', { name: 'Maps (ZIP)' }).click();
  const saved = await picked();
  expect(saved.name).toMatch(/^winclip-maps-\d{8}-\d{6}\.zip$/);
  const savedEntries = storedZipEntries(saved.bytes);
  expect([...savedEntries.keys()]).toEqual([...entries.keys()]);
  for (const [name, bytes] of entries) expect(savedEntries.get(name)!.equals(bytes), name).toBe(true);
  expect([...entries.keys()].sort()).toEqual(
    ['test_a.png.npy', 'test_a.png.overlay.png', 'test_c.png.npy', 'test_c.png.overlay.png'].sort(),
  );
  const maps = Object.fromEntries(
    TESTS.map((n) => [n, parseNpyFloat32(new Uint8Array(entries.get(`${n}.npy`)!))]),
  );
  expect(maps['test_c.png'].shape).toEqual([400, 640]);
  // A pixel threshold halfway up test_a's map, so it has regions and some area above.
  const a = maps['test_a.png'].data;
  const lo = a.reduce((m, v) => Math.min(m, v), Infinity);
  const hi = a.reduce((m, v) => Math.max(m, v), -Infinity);
  const t = Math.round(((lo + hi) / 2) * 1000) / 1000;
  await page.getByRole('spinbutton', { name: 'Pixel threshold value' }).fill(String(t));
  await page.getByRole('spinbutton', { name: 'Pixel threshold value' }).press('Enter');

  const json = JSON.parse(
    (await saveDownload(page, () => page.getByRole('button', { name: 'JSON' }).click())).bytes.toString(),
  );
  // The same document format as winclip score writes, with the app's provenance.
  expect(resultsErrors(json)).toEqual([]);
  expect(json).toMatchObject({
    format: 'winclip-results',
    version: 1,
    tool: { name: 'winclip-app' },
    model: { repo: TINY_REPO, path: null },
    thresholds: { pixel: t, mode: 'zero-shot' },
    method: { mode: 'zero-shot', k: 0 },
  });
  expect(json.model.weights_fingerprint).toMatch(/^sampled-sha256-v1:/);
  expect(json.prompt_set).toMatch(/^[0-9a-f]{16}$/);
  // Excel-flavoured CSV: a UTF-8 BOM, then CRLF lines.
  const csvText = (
    await saveDownload(page, () => page.getByRole('button', { name: 'CSV' }).click())
  ).bytes.toString('utf8');
  expect(csvText.startsWith('\uFEFFfile,')).toBe(true);
  const csv = csvText
    .slice(1)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
  const header = csv[0];
  const shown = await shownScores(page);
  for (const n of TESTS) {
    const { data, shape } = maps[n];
    const above = data.reduce((c, v) => c + (v >= t ? 1 : 0), 0);
    const max = data.reduce((m, v) => Math.max(m, v), -Infinity);
    const r = json.images.find((x: { file: string }) => x.file === n);
    expect(r).toMatchObject({
      width: shape[1],
      height: shape[0],
      mode: 'zero-shot',
      k: 0,
      pixel_threshold: t,
    });
    expect(r.image_score).toBeCloseTo(shown[n], 9);
    expect(r.max_pixel).toBe(max);
    expect(r.area_px).toBe(above);
    expect(r.area_percent).toBeCloseTo((100 * above) / data.length, 9);
    expect(r.regions.reduce((s: number, g: { area: number }) => s + g.area, 0)).toBe(above);
    const row = Object.fromEntries(header.map((h, i) => [h, csv.find((l) => l[0] === n)![i]]));
    expect(Number(row.area_px)).toBe(above);
    expect(Number(row.regions)).toBe(r.regions.length);
    expect(Number(row.max_pixel)).toBe(max);
    expect(row.model).toBe(TINY_REPO);
    expect(row.weights).toBe(json.model.weights_fingerprint);
    expect(row.prompt_set).toBe(json.prompt_set);
    if (r.regions.length > 0) expect(Number(row.top_region_peak)).toBe(r.regions[0].peak);
  }
  expect(json.images.find((x: { file: string }) => x.file === 'test_a.png').regions.length).toBeGreaterThan(
    0,
  );

  // The report, opened from a file in a profile where every request is refused.
  const report = await saveDownload(page, () => page.getByRole('button', { name: 'Report' }).click());
  const file = join(tmpdir(), `winclip-report-${info.project.name}.html`);
  writeFileSync(file, report.bytes);
  const offline = await guardedContext(browser, undefined, FILE_ONLY);
  try {
    await offline.context.setOffline(true);
    const p = await offline.context.newPage();
    await p.goto(`file://${file}`);
    await expect(p.locator('table.results tbody tr')).toHaveCount(TESTS.length);
    for (const n of TESTS) await expect(p.locator('table.results')).toContainText(n);
    const loaded = await p.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('table.results img')).map(
        (im) => im.naturalWidth,
      ),
    );
    expect(loaded).toHaveLength(TESTS.length);
    for (const w of loaded) expect(w).toBeGreaterThan(0);
    await expect(p.getByTestId('summary')).toContainText(`Pixel threshold${t}`);
    await shot(p, info, 'report');
    expect(offline.external, 'requests the report made').toEqual([]);
  } finally {
    await offline.context.close();
  }
});
