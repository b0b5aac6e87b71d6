/** Drives the app like a user: open with URL parameters, drop files, read cards, take screenshots. */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { evalDebug } from './debug-handle';
import { TINY_MODEL_FILES } from './model-files';
import { ARTIFACTS, fixtureImage, TINY_REPO } from './paths';

/**
 * Time budgets of the waits on the app, for the tiny fixture model on the WASM project (the WebGPU
 * project runs on SwiftShader, a CPU rasteriser: playwright.config.ts gives its tests more time).
 */
export const BUDGET = {
  /** The engine worker and its runtime start (WASM compile included). */
  engineStart: 60_000,
  /** The model downloads from the mock hub (or loads from the cache), graphs are built. */
  modelReady: 120_000,
  /** One image (or a few) from the drop to its final score and map. */
  scored: 120_000,
  /** A batch of tens of images through the queue. */
  batch: 300_000,
} as const;

export interface OpenOptions {
  backend: string;
  hub: string;
  repo?: string;
  extra?: Record<string, string>;
}

export async function openApp(page: Page, o: OpenOptions): Promise<void> {
  const params = new URLSearchParams({
    backend: o.backend,
    hub: o.hub,
    ...(o.repo ? { repo: o.repo } : {}),
    ...o.extra,
  });
  await page.goto(`/?${params}`);
  await expect(page.getByTestId('engine-status')).not.toHaveText(/Starting/, { timeout: BUDGET.engineStart });
}

export async function waitModelReady(page: Page, timeout: number = BUDGET.modelReady): Promise<void> {
  await expect(page.getByTestId('model-chip')).toHaveClass(/phase-ready/, { timeout });
}

/** Waits until the prompt set is embedded (scores need it; the model chip turns ready before). */
async function waitPromptsApplied(page: Page): Promise<void> {
  await expect
    .poll(() => evalDebug(page, (h) => h.state().promptStatus.applied), { timeout: BUDGET.modelReady })
    .toBe(true);
}

export interface TinyModelOptions {
  /** More URL parameters (`?recipe=`, `?prefetch=0`…). */
  extra?: Record<string, string>;
  /** Also wait until the prompts are embedded. */
  prompts?: boolean;
  /**
   * Templates set in the prompt editor before the model loads, so only their prompts are ever
   * embedded: WebGPU tests on SwiftShader (seconds per text-encoder batch) take one template, 11
   * prompts instead of the paper's 242.
   */
  templates?: string[];
}

/** Opens the app with the tiny fixture model from the mock hub and waits until the model is ready. */
export async function setupTinyModel(page: Page, o: OpenOptions & TinyModelOptions): Promise<void> {
  if (o.templates) {
    await openApp(page, o);
    await setTemplates(page, o.templates);
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByLabel('Other OpenCLIP repo').fill(TINY_REPO);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
  } else {
    await openApp(page, { repo: TINY_REPO, ...o });
  }
  await waitModelReady(page);
  if (o.prompts) await waitPromptsApplied(page);
}

/** Replaces the prompt templates in the Prompts tab's advanced editor (one per line). */
export async function setTemplates(page: Page, templates: string[]): Promise<void> {
  await page.getByRole('tab', { name: 'Prompts' }).click();
  await page.getByText('Advanced: templates').click();
  await page.getByTestId('templates').fill(templates.join('\n'));
  await expect(page.getByText(`Templates, one per line (${templates.length})`)).toBeVisible();
}

/** Picks the tiny model's three files in the Model tab's file input, as a user with local files does. */
export async function pickTinyModelFiles(page: Page): Promise<void> {
  await page.getByTestId('model-file-input').setInputFiles(TINY_MODEL_FILES);
}

export interface FileSpec {
  name: string;
  /** Read from this path unless `bytes` is given. */
  path?: string;
  bytes?: Buffer;
  type?: string;
}

function mime(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  return ext === 'png'
    ? 'image/png'
    : ext === 'jpg' || ext === 'jpeg'
      ? 'image/jpeg'
      : ext === 'webp'
        ? 'image/webp'
        : ext === 'bmp'
          ? 'image/bmp'
          : 'application/octet-stream';
}

function fileFrom(path: string, name = basename(path)): FileSpec {
  return { name, path };
}

/** Drops files onto a target with a real DataTransfer, as a drag from the file manager would. */
async function dropFiles(page: Page, target: Locator, files: FileSpec[]): Promise<void> {
  const payload = files.map((f) => ({
    name: f.name,
    type: f.type ?? mime(f.name),
    b64: (f.bytes ?? readFileSync(f.path!)).toString('base64'),
  }));
  const dt = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const it of items) {
      const bin = atob(it.b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      transfer.items.add(new File([bytes], it.name, { type: it.type }));
    }
    return transfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer: dt });
  await target.dispatchEvent('dragover', { dataTransfer: dt });
  await target.dispatchEvent('drop', { dataTransfer: dt });
}

/** Where files are dropped: the gallery's workspace, the reference bank, or any element. */
export type DropTarget = 'workspace' | 'references' | Locator;

/**
 * Drops files as a drag from the file manager would: fixture images by name (`'test_a.png'`), or
 * generated files. The reference bank's drop zone shows on the References tab only.
 */
export async function drop(
  page: Page,
  items: (string | FileSpec)[],
  on: DropTarget = 'workspace',
): Promise<void> {
  const target =
    on === 'workspace'
      ? page.getByTestId('workspace')
      : on === 'references'
        ? page.getByTestId('reference-dropzone')
        : on;
  await dropFiles(
    page,
    target,
    items.map((f) => (typeof f === 'string' ? fileFrom(fixtureImage(f)) : f)),
  );
}

/** Waits until the reference bank holds `k` encoded shots (each shot is an inference: BUDGET.scored). */
export async function waitBankK(page: Page, k: number): Promise<void> {
  await expect(page.getByTestId('bank-k')).toHaveText(`K = ${k}`, { timeout: BUDGET.scored });
}

export function card(page: Page, name: string): Locator {
  return page.locator(`[data-testid="result-card"][data-name="${name}"]`);
}

/**
 * The gallery renders only the cards near its viewport: scrolls it from the top, a screen at a time,
 * until the named card is in the DOM, and returns that card.
 */
export async function revealCard(page: Page, name: string): Promise<Locator> {
  await page.getByTestId('gallery').evaluate(async (el, n) => {
    const found = () => el.querySelector(`[data-testid="result-card"][data-name="${CSS.escape(n)}"]`);
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    el.scrollTop = 0;
    await frame();
    while (!found() && el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
      el.scrollTop += Math.max(1, el.clientHeight * 0.8);
      await frame();
    }
  }, name);
  const c = card(page, name);
  await c.scrollIntoViewIfNeeded();
  return c;
}

/** Scores shown in the gallery, by file name (only the cards it renders: see revealCard). */
export async function shownScores(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="result-card"][data-score]')) {
      out[el.dataset.name ?? ''] = Number(el.dataset.score);
    }
    return out;
  });
}

export async function waitScored(
  page: Page,
  names: string[],
  timeout: number = BUDGET.scored,
): Promise<void> {
  for (const n of names) await expect(card(page, n)).toHaveAttribute('data-score', /\d/, { timeout });
}

/**
 * The controls of a bar (`selector`) that a user could not reach: partly outside the window, or
 * covered at their centre by something else. Empty when every control can be seen and clicked.
 */
export async function unreachableControls(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const bar = document.querySelector(sel);
    if (!bar) return [`no ${sel}`];
    const out: string[] = [];
    for (const el of bar.querySelectorAll<HTMLElement>(
      'button, select, .segmented label, label.lot-switch',
    )) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName;
      if (r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight) {
        out.push(`${name}: outside the window`);
        continue;
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !el.contains(hit)) out.push(`${name}: covered`);
    }
    return out;
  }, selector);
}

export interface Stats {
  imageEncoderRuns: number;
  imagesEncoded: number;
  promptsEmbedded: number;
  textEncoderRuns: number;
}

export async function engineStats(page: Page): Promise<Stats> {
  return evalDebug(page, (h) => h.stats() as Promise<Stats>);
}

/** Saves a screenshot of the main screens under e2e/artifacts/<project>/. */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const dir = join(ARTIFACTS, info.project.name);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) });
}

/** Lot mode: the max score (what thresholds apply to) and the RsCIN score shown on each card, by file name. */
export async function lotScores(page: Page): Promise<Record<string, { lot: number; max: number }>> {
  return page.evaluate(() => {
    const out: Record<string, { lot: number; max: number }> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="result-card"][data-lot-score]'))
      out[el.dataset.name ?? ''] = { lot: Number(el.dataset.lotScore), max: Number(el.dataset.score) };
    return out;
  });
}

/** Waits until each named card shows its lot score. */
export async function waitLotScored(page: Page, names: string[]): Promise<void> {
  for (const n of names)
    await expect(card(page, n)).toHaveAttribute('data-lot-score', /\d/, { timeout: BUDGET.scored });
}

/** Waits until the kept local weights (copied into the origin-private file system in the background) are `bytes` long. */
export async function waitKeptWeights(page: Page, bytes: number): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const root = await navigator.storage.getDirectory();
        const models = await root.getDirectoryHandle('models').catch(() => null);
        if (!models) return 0;
        for await (const [, dir] of models as unknown as AsyncIterable<[string, FileSystemDirectoryHandle]>) {
          const f = await dir.getFileHandle('open_clip_model.safetensors').catch(() => null);
          if (f) return (await f.getFile()).size;
        }
        return 0;
      }),
    )
    .toBe(bytes);
}
