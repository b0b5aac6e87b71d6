/**
 * Fuzz suite, browser side: generated bad inputs (images for the gallery and the reference bank,
 * broken model folders, broken downloads, failing storage). Each case asserts the one-line message
 * that names the problem and the UI state, and every test ends by scoring a valid image correctly.
 *
 * Untagged, so the WASM project alone runs it: every case fails before inference (drop checks, decoding, file and
 * header validation, fetch, storage), which the backend does not touch; the one step that scores is
 * the same engine path the other specs cover on both backends.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { REFUSED_IMAGE_CASES } from '../test/fuzz/image-cases';
import { CONFIG_CASES, WEIGHTS_CASES } from '../test/fuzz/model-cases';
import { card, drop, type FileSpec, shot, shownScores, waitBankK, waitModelReady } from './support/app';
import { evalDebug } from './support/debug-handle';
import { FAULT_REPOS, startFaultyHub } from './support/faulty-hub';
import { expect, test } from './support/fixtures';
import { CLIP_TOKENIZER, FIXTURE, fixtureImage, TINY_REPO } from './support/paths';
import { referenceScores, TOLERANCE } from './support/reference-engine';

const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const text = (s: string) => Buffer.from(s);

/** The newest toast with this text is visible (toasts stack; older ones may have timed out). */
async function expectNotice(page: Page, message: string): Promise<void> {
  await expect(page.locator('.notice').filter({ hasText: message }).last()).toBeVisible();
}

/** Scores `name` (a copy of fixture `source`) and checks it against the engine in Node. */
async function expectValidScore(
  page: Page,
  name: string,
  source: string,
  references: string[] = [],
): Promise<void> {
  await expect(card(page, name)).toHaveAttribute('data-score', /\d/);
  const shown = (await shownScores(page))[name];
  const expected = (await referenceScores([source], { objectName: 'object' }, references))[source];
  expect(Math.abs(shown - expected)).toBeLessThan(TOLERANCE);
}

/** A copy of F32 safetensors `bytes` with element `index` of tensor `name` set to `value`. */
function poisonF32(bytes: Buffer, name: string, index: number, value: number): Buffer {
  const out = Buffer.from(bytes);
  const headerLen = Number(out.readBigUInt64LE(0));
  const header = JSON.parse(out.subarray(8, 8 + headerLen).toString('utf8'));
  out.writeFloatLE(value, 8 + headerLen + header[name].data_offsets[0] + 4 * index);
  return out;
}

async function jpegOf(source: string): Promise<Buffer> {
  return sharp(readFileSync(fixtureImage(source)))
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Bad image files refused at the drop, with the message each must produce. */
async function refusedImages(): Promise<{ file: FileSpec; message: string }[]> {
  const generated = REFUSED_IMAGE_CASES.filter((c) =>
    ['huge.png', 'huge.jpg', 'huge.webp', 'huge.bmp', 'logo.svg', 'scan.tif', 'notes.png'].includes(c.file),
  ).map((c) => ({ file: { name: c.file, bytes: buf(c.bytes()) }, message: c.expect! }));
  return [
    ...generated,
    { file: { name: 'empty.png', bytes: Buffer.alloc(0) }, message: 'empty.png: the file is empty' },
    {
      file: { name: 'report.jpg', bytes: text('%PDF-1.7\n%âãÏÓ\n1 0 obj\n') },
      message: 'report.jpg: not an image (a PDF document)',
    },
    {
      // HEIC: what phones save; the container is ISO BMFF like AVIF, but browsers do not decode it.
      file: {
        name: 'phone.heic',
        bytes: Buffer.concat([Buffer.from([0, 0, 0, 24]), text('ftypheic\0\0\0\0mif1heic')]),
      },
      message: 'phone.heic: a HEIC/HEIF image (as phones save photos), which browsers cannot decode',
    },
  ];
}

test('bad images in the gallery and the reference bank: a true message each, valid images still score', async ({
  page,
  app,
}, info) => {
  await app.openTinyModel();
  const cards = page.getByTestId('result-card');

  // Refused at the drop: a toast names the file and the problem, no card appears.
  for (const c of await refusedImages()) {
    await drop(page, [c.file]);
    await expectNotice(page, c.message);
  }
  await expect(cards).toHaveCount(0);

  // Accepted, but undecodable or cut short: the card says why.
  const png = readFileSync(fixtureImage('test_b.png'));
  const jpeg = await jpegOf('test_b.png');
  const scrambled = Buffer.from(png);
  for (let i = 200; i < scrambled.length - 200; i += 7) scrambled[i] ^= 0x5a;
  const broken: { file: FileSpec; message: string }[] = [
    {
      file: { name: 'cut.png', bytes: png.subarray(0, 3000) },
      message: 'cut.png: corrupt or truncated PNG data (the file ends before its IEND chunk)',
    },
    {
      file: { name: 'cut.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)) },
      message: 'cut.jpg: corrupt or truncated JPEG data (the file ends before its end-of-image marker)',
    },
    {
      file: { name: 'scrambled.png', bytes: scrambled },
      message: 'scrambled.png: corrupt or truncated PNG data',
    },
  ];
  await drop(
    page,
    broken.map((b) => b.file),
  );
  for (const b of broken)
    await expect(card(page, b.file.name).getByTestId('card-error')).toContainText(b.message);

  // A wrong extension does not matter (content decides): a PNG named .jpg scores as the PNG.
  await drop(page, [{ name: 'png-named.jpg', bytes: readFileSync(fixtureImage('test_a.png')) }]);
  await expectValidScore(page, 'png-named.jpg', 'test_a.png');
  await shot(page, info, 'fuzz-gallery');

  // The reference bank refuses the same files with the same messages, and K stays 0.
  await page.getByRole('tab', { name: /References/ }).click();
  for (const c of (await refusedImages()).slice(0, 6)) {
    await drop(page, [c.file], 'references');
    await expectNotice(page, c.message);
  }
  await expect(page.getByTestId('bank-k')).toHaveText('K = 0');
  // A truncated shot is listed as failed with the reason; it does not count.
  await drop(page, [broken[1].file], 'references');
  await expectNotice(page, broken[1].message);
  await expect(page.locator('.ref-item.status-error')).toHaveCount(1);
  await expect(page.getByTestId('bank-k')).toHaveText('K = 0');
  // A good shot still works: few-shot, and the gallery image re-scores to the engine's few-shot score.
  await drop(page, ['ref_1.png'], 'references');
  await waitBankK(page, 1);
  await expect
    .poll(async () => {
      const shown = (await shownScores(page))['png-named.jpg'];
      const expected = (await referenceScores(['test_a.png'], { objectName: 'object' }, ['ref_1.png']))[
        'test_a.png'
      ];
      return Math.abs(shown - expected);
    })
    .toBeLessThan(TOLERANCE);
  await shot(page, info, 'fuzz-reference-bank');
});

test('broken model folders dropped as local files: the message names the file and the fault', async ({
  page,
  app,
}) => {
  await app.open();
  const input = page.getByTestId('model-file-input');
  // Files are handed over by path, each case's in a folder of its own under the file names the app
  // expects: as buffers, Playwright sends each 10 MB weights file base64-encoded through the page,
  // which on a loaded 2-core machine cost 10-30 s a case and ran the test past its budget.
  const root = mkdtempSync(join(tmpdir(), 'fuzz-model-'));
  let folders = 0;
  const folder = (...files: [name: string, bytes: Uint8Array | string][]) => {
    const dir = join(root, String(folders++));
    mkdirSync(dir);
    return files.map(([name, bytes]) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    });
  };
  const tokenizer = CLIP_TOKENIZER;
  const fixtureWeightsPath = `${FIXTURE}/open_clip_model.safetensors`;
  const config = (c: unknown) =>
    folder(['open_clip_config.json', typeof c === 'string' ? c : JSON.stringify(c)])[0];
  const weights = (b: Uint8Array) => folder(['open_clip_model.safetensors', b])[0];
  const fixtureWeights = readFileSync(fixtureWeightsPath);
  const fixtureConfig = JSON.parse(readFileSync(`${FIXTURE}/open_clip_config.json`, 'utf8'));
  const error = page.getByTestId('model-error');
  const chip = page.getByTestId('model-chip');

  const cases: { name: string; files: string[]; message: string }[] = [
    {
      name: 'config cut mid-way',
      files: [config('{"model_cfg": {"embed_dim": 640, "vision_'), fixtureWeightsPath, tokenizer],
      message: 'open_clip_config.json is not valid JSON (damaged or not the right file).',
    },
    {
      name: 'config that is a JSON array',
      files: [config('[1, 2, 3]'), fixtureWeightsPath, tokenizer],
      message: 'open_clip_config.json is not a usable OpenCLIP config',
    },
    ...CONFIG_CASES.map((c) => ({
      name: c.name,
      files: [config(c.config), fixtureWeightsPath, tokenizer],
      message: c.expect,
    })),
    // Broken tensor layouts fail before any tensor is matched to the config.
    ...WEIGHTS_CASES.filter((c) => !c.forTinyConfig).map((c) => ({
      name: c.name,
      files: [config(fixtureConfig), weights(c.bytes()), tokenizer],
      message: c.expect,
    })),
    // Non-finite weights in the fixture model itself (its config's grid fits the method's window scales).
    {
      name: 'a NaN weight',
      files: [
        config(fixtureConfig),
        weights(poisonF32(fixtureWeights, 'visual.proj', 5, Number.NaN)),
        tokenizer,
      ],
      message: "tensor 'visual.proj' holds NaN at element 5",
    },
    {
      name: 'an infinite weight',
      files: [
        config(fixtureConfig),
        weights(poisonF32(fixtureWeights, 'text_projection', 0, Number.NEGATIVE_INFINITY)),
        tokenizer,
      ],
      message: "tensor 'text_projection' holds -Inf at element 0",
    },
    {
      name: 'safetensors header length past the end',
      files: [
        config(fixtureConfig),
        weights(Uint8Array.of(255, 255, 255, 0, 0, 0, 0, 0, 0x7b, 0x7d)),
        tokenizer,
      ],
      message: 'open_clip_model.safetensors is not a safetensors file (its header is missing or damaged).',
    },
  ];
  for (const c of cases) {
    await input.setInputFiles(c.files);
    await expect(error, c.name).toContainText(c.message);
    await expect(chip, c.name).toHaveClass(/phase-error/);
  }

  // The right files load and score.
  await input.setInputFiles([config(fixtureConfig), fixtureWeightsPath, tokenizer]);
  await waitModelReady(page);
  await drop(page, ['test_a.png']);
  await expectValidScore(page, 'test_a.png', 'test_a.png');
  rmSync(root, { recursive: true, force: true });
});

test('broken downloads from the hub: 404, CORS, a cut connection, a file that changed size', async ({
  page,
  app,
}, info) => {
  const faulty = await startFaultyHub();
  try {
    await app.open({ hub: faulty.url });
    const repoField = page.getByLabel('Other OpenCLIP repo');
    const error = page.getByTestId('model-error');
    const host = faulty.url.replace('http://', '');
    const cases: { repo: string; message: RegExp }[] = [
      { repo: FAULT_REPOS.missingWeights, message: /Not found \(404\): open_clip_model\.safetensors at / },
      {
        repo: FAULT_REPOS.corsCdn,
        message: new RegExp(`${host} answered but does not allow this page to read .*\\(CORS\\)`),
      },
      {
        repo: FAULT_REPOS.cut,
        message: /The download of open_clip_model\.safetensors broke off \(.+\)\. Retry\./,
      },
      {
        repo: FAULT_REPOS.shrunk,
        message:
          /open_clip_model\.safetensors: the download has \d+ bytes but the file's header describes \d+; the file changed on the server/,
      },
      {
        repo: FAULT_REPOS.grown,
        message:
          /open_clip_model\.safetensors: the download has \d+ bytes but the file's header describes \d+/,
      },
    ];
    for (const c of cases) {
      await repoField.fill(c.repo);
      await page.getByRole('button', { name: 'Load', exact: true }).click();
      await expect(error, c.repo).toHaveText(c.message);
      await expect(page.getByTestId('model-chip'), c.repo).toHaveClass(/phase-error/);
      if (c.repo === FAULT_REPOS.cut) await shot(page, info, 'fuzz-download-cut');
    }
    // Nothing broken was cached.
    await expect(page.getByTestId('cache-panel')).toContainText('Nothing cached');

    // The working repo on the same hub loads and scores.
    await repoField.fill(TINY_REPO);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await waitModelReady(page);
    await expect(page.getByTestId('cache-panel')).toContainText(TINY_REPO);
    await drop(page, ['test_d.png']);
    await expectValidScore(page, 'test_d.png', 'test_d.png');
  } finally {
    await faulty.stop();
  }
});

/** Page scripts that break storage before the app starts. */
const BREAK_STORAGE = {
  cacheQuota: () => {
    Cache.prototype.put = () =>
      Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
  },
  idbQuota: () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.name === 'references')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
  },
  idbMissing: () => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  },
  privateMode: () => {
    // As older private modes behaved: no Cache Storage, and IndexedDB refuses to open.
    Object.defineProperty(window, 'caches', { value: undefined, configurable: true });
    IDBFactory.prototype.open = () => {
      throw new DOMException(
        'A mutation operation was attempted on a database that did not allow mutations.',
        'InvalidStateError',
      );
    };
  },
};

test('Cache Storage quota exceeded: the model loads, says it could not be cached, and scores', async ({
  page,
  context,
  app,
}) => {
  await context.addInitScript(BREAK_STORAGE.cacheQuota);
  await app.openTinyModel();
  await expectNotice(page, 'The model could not be cached (');
  await expectNotice(page, 'The quota has been exceeded.');
  await expect(page.getByTestId('cache-panel')).toContainText('Nothing cached');
  await drop(page, ['test_a.png']);
  await expectValidScore(page, 'test_a.png', 'test_a.png');
});

test('IndexedDB quota exceeded: a reference is used but said not to survive a reload', async ({
  page,
  context,
  app,
}) => {
  await context.addInitScript(BREAK_STORAGE.idbQuota);
  await app.openTinyModel();
  await page.getByRole('tab', { name: /References/ }).click();
  await drop(page, ['ref_1.png'], 'references');
  await expectNotice(
    page,
    "Could not save reference ref_1.png (the browser's storage quota for this site is full (free space or clear the model cache)); it is used now but will not survive a reload.",
  );
  await waitBankK(page, 1);
  await drop(page, ['test_b.png']);
  await expectValidScore(page, 'test_b.png', 'test_b.png', ['ref_1.png']);
});

test('IndexedDB unavailable: defaults with one message, and the app still scores', async ({
  page,
  context,
  app,
}) => {
  await context.addInitScript(BREAK_STORAGE.idbMissing);
  await app.open({ repo: TINY_REPO });
  await expectNotice(
    page,
    'Saved settings could not be read (IndexedDB is not available in this browser window (private mode or site data blocked)); using defaults, and changes will not survive a reload.',
  );
  await waitModelReady(page);
  // A settings change would be saved: it fails silently after the first message.
  await page.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByLabel('New anomalous state').fill('with a dent');
  await page.getByLabel('New anomalous state').press('Enter');
  // Write the pending settings now instead of after the autosave's debounce.
  await evalDebug(page, (h) => h.flush());
  await expect(page.locator('.notice').filter({ hasText: 'Could not save settings' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Remove "{} with a dent"' }).click();
  await drop(page, ['test_c.png']);
  await expectValidScore(page, 'test_c.png', 'test_c.png');
});

test('private mode (no Cache Storage, IndexedDB refuses to open): both said once, the app still scores', async ({
  page,
  context,
  app,
}) => {
  await context.addInitScript(BREAK_STORAGE.privateMode);
  await app.open({ repo: TINY_REPO });
  await expectNotice(
    page,
    'Saved settings could not be read (IndexedDB is switched off here (private mode or site data blocked',
  );
  await waitModelReady(page);
  await expectNotice(page, 'Cache Storage is unavailable here: the model will download again next time.');
  await drop(page, ['test_a.png']);
  await expectValidScore(page, 'test_a.png', 'test_a.png');
});
