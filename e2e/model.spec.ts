/**
 * Model manager: a hub download with visible progress, cancel and clean retry, then a reload that
 * loads from the cache with the hub stopped; wrong or mismatched local files give clear messages and
 * the app stays usable.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { card, drop, shot, waitModelReady, waitScored } from './support/app';
import { evalDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { mockCommit, startMockHub } from './support/mock-hub';
import { FIXTURE_CONFIG, modelFiles, TINY_MODEL_FILES } from './support/model-files';
import { fixtureImage, HUB_REPOS, TINY_REPO, TOKENIZER_REPO } from './support/paths';

/** The hub commit the loaded model came from, as the engine reports it. */
function loadedCommit(page: Page): Promise<string | null> {
  return evalDebug(page, (h) => h.state().model.info?.commit ?? null);
}

test('hub download with progress, cancel and retry; a reload loads from the cache with the hub stopped', async ({
  page,
  app,
}, info) => {
  // An own hub, slowed down so progress is visible, and stoppable.
  const hub = await startMockHub(HUB_REPOS, { throttle: 2_500_000 });
  try {
    await app.open({ hub: hub.url });
    await expect(page.getByTestId('empty-state')).toBeVisible();
    await expect(page.getByTestId('backend-badge')).toHaveText('WASM');
    await shot(page, info, 'empty-state');

    // Start, see progress, cancel: nothing is cached.
    await page.getByLabel('Other OpenCLIP repo').fill(TINY_REPO);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    const bar = page.getByRole('progressbar', { name: 'Model loading progress' });
    await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('Loading was cancelled')).toBeVisible();
    await expect(page.getByTestId('cache-panel')).toContainText('Nothing cached');

    // Retry: bytes and percentage while the weights stream in.
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByTestId('model-progress-bytes')).toHaveText(/MB \/ 10\.4 MB \(\d+%\)/);
    await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/);
    await shot(page, info, 'model-loading');
    await waitModelReady(page);
    await expect(page.getByTestId('model-source')).toHaveText('Network');
    await expect(page.getByTestId('backend-reason')).toContainText('WASM was requested');
    // main was resolved to its commit, and the files fetched (and cached) under that commit.
    expect(hub.requests).toContain(`/${TINY_REPO}/resolve/main/open_clip_config.json`);
    const commit = mockCommit(TINY_REPO);
    expect(hub.requests).toContain(`/${TINY_REPO}/resolve/${commit}/open_clip_model.safetensors`);
    // The repo has no tokenizer.json (like timm's OpenCLIP repos): it came from the CLIP tokenizer repo.
    expect(hub.requests).toContain(`/${TINY_REPO}/resolve/${commit}/tokenizer.json`);
    expect(hub.requests).toContain(`/${TOKENIZER_REPO}/resolve/main/tokenizer.json`);
    expect(hub.requests).toContain(`/lfs/${TINY_REPO}/open_clip_model.safetensors`);
    await expect(page.getByTestId('cache-panel')).toContainText(TINY_REPO);
    expect(await loadedCommit(page)).toBe(commit);

    // Second visit with the hub gone: everything from Cache Storage.
    await hub.stop();
    const seen = hub.requests.length;
    await app.open({ hub: hub.url });
    await waitModelReady(page);
    await expect(page.getByTestId('model-source')).toHaveText('Cache (offline)');
    // Offline, main is the commit it last resolved to.
    expect(await loadedCommit(page)).toBe(commit);
    expect(hub.requests.length).toBe(seen);
    await drop(page, ['test_a.png']);
    await waitScored(page, ['test_a.png']);

    // The cache can be cleared.
    await page.getByRole('button', { name: 'Clear cache' }).click();
    await expect(page.getByTestId('cache-panel')).toContainText('Nothing cached');
  } finally {
    await hub.stop();
  }
});

test('wrong and mismatched model files get clear messages; the app stays usable', async ({ page, app }) => {
  await app.open();
  const input = page.getByTestId('model-file-input');

  // A photo saved under the weights' name.
  await input.setInputFiles(modelFiles({ weights: readFileSync(fixtureImage('test_a.png')) }));
  await expect(page.getByTestId('model-error')).toContainText(
    'open_clip_model.safetensors is a PNG image, not safetensors weights',
  );

  // A config that does not describe these weights.
  const wrong = JSON.parse(readFileSync(FIXTURE_CONFIG, 'utf8'));
  wrong.model_cfg.vision_cfg.width = 128;
  await input.setInputFiles(modelFiles({ config: JSON.stringify(wrong) }));
  await expect(page.getByTestId('model-error')).toContainText('weights do not match the config');

  // A missing weights file.
  await input.setInputFiles(modelFiles({ weights: null, tokenizer: null }));
  await expect(page.getByTestId('model-error')).toContainText('No weights');

  // A repo that does not exist on the hub.
  await page.getByLabel('Other OpenCLIP repo').fill('nobody/no-such-model');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('model-error')).toContainText('Not found (404): open_clip_config.json');

  // Still usable: the right local files load and score.
  await input.setInputFiles(TINY_MODEL_FILES);
  await waitModelReady(page);
  await expect(page.getByTestId('model-source')).toHaveText('Local files');
  await drop(page, ['test_b.png']);
  await waitScored(page, ['test_b.png']);
  // Scored; a fresh profile has no threshold yet, so it is not judged.
  await expect(card(page, 'test_b.png')).toHaveAttribute('data-verdict', 'unjudged');
});

test('network failures name their cause: CORS, server down, offline', async ({ page, context, app, hub }) => {
  await app.open();
  const noCors = await startMockHub(HUB_REPOS, { cors: false });
  const hubField = page.getByLabel('Hub URL');
  await hubField.fill(noCors.url);
  await hubField.press('Enter');
  await page.getByLabel('Other OpenCLIP repo').fill(TINY_REPO);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('does not allow this page to read');
  await expect(error).toContainText('(CORS)');

  await noCors.stop();
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(error).toContainText(`Cannot reach ${noCors.url.replace('http://', '')}`);

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(error).toContainText('You are offline');
  await context.setOffline(false);

  // Back on the working hub, the same repo loads.
  await hubField.fill(hub.url);
  await hubField.press('Enter');
  await page.getByRole('button', { name: 'Retry' }).click();
  await waitModelReady(page);
});
