/**
 * The queue pipeline: cards in view are scored before cards scrolled out of view, and images decoded
 * and pre-processed ahead in the pre-processing worker score exactly as images the engine worker
 * decodes itself (`?prefetch=0`).
 */
import type { Page } from '@playwright/test';
import { BUDGET, drop, revealCard, shot, shownScores, waitScored } from './support/app';
import { evalDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { guardedContext } from './support/guarded-context';
import { synthFiles } from './support/synth-images';

const COUNT = 14;

/** Names of the cards that intersect the viewport now (asked of an IntersectionObserver, as the app does). */
function cardsInView(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const cards = document.querySelectorAll<HTMLElement>('[data-testid="result-card"]');
        const io = new IntersectionObserver((entries) => {
          io.disconnect();
          resolve(
            entries.filter((e) => e.isIntersecting).map((e) => (e.target as HTMLElement).dataset.name ?? ''),
          );
        });
        for (const c of cards) io.observe(c);
      }),
  );
}

test('cards scrolled into view are scored before waiting cards out of view', async ({ page, app }, info) => {
  // A small window: a row or two of cards fit, the rest of the batch is out of view.
  await page.setViewportSize({ width: 900, height: 600 });
  await app.openTinyModel({ prompts: true });
  const files = await synthFiles(COUNT, 'part');
  const names = files.map((f) => f.name);
  await drop(page, files);
  // Paused right after the drop, so that the scroll below happens while most of the batch waits.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.locator('[data-testid="result-card"][data-verdict="processing"]')).toHaveCount(0);
  // From the app's state, not the DOM: the gallery renders only the cards near its viewport.
  const queued = () =>
    evalDebug(page, (h) =>
      h
        .state()
        .images.filter((im) => im.status === 'queued')
        .map((im) => im.name),
    );
  const waiting = await queued();
  expect(waiting.length).toBeGreaterThan(COUNT / 2);

  const last = await revealCard(page, names[COUNT - 1]);
  await expect(last).toBeInViewport();
  const inView = new Set(await cardsInView(page));
  const bottom = waiting.filter((n) => inView.has(n));
  const top = waiting.filter((n) => !inView.has(n));
  expect(bottom.length).toBeGreaterThan(0);
  expect(top.length).toBeGreaterThan(0);

  // Record the order in which images get their final score (in the state: scored cards may be unrendered).
  await evalDebug(page, (h) => {
    const w = window as unknown as { scoredOrder: string[] };
    w.scoredOrder = [];
    const seen = new Set<string>();
    const poll = () => {
      for (const im of h.state().images)
        if (im.status === 'done' && !seen.has(im.name)) {
          seen.add(im.name);
          w.scoredOrder.push(im.name);
        }
    };
    for (const im of h.state().images) if (im.status === 'done') seen.add(im.name);
    setInterval(poll, 5);
  });
  await page.getByRole('button', { name: 'Resume' }).click();
  // The cards in view, then the first card out of view: enough to see the order (and keep it short).
  const want = bottom.length + 1;
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { scoredOrder: string[] }).scoredOrder.length), {
      timeout: BUDGET.batch,
    })
    .toBeGreaterThanOrEqual(want);
  const order = await page.evaluate(() => (window as unknown as { scoredOrder: string[] }).scoredOrder);
  // Every waiting card in view is scored before any waiting card out of view, in queue order each.
  expect(order.slice(0, want)).toEqual([...bottom, top[0]]);
  // Images were prepared in the pre-processing worker.
  expect(page.workers().some((w) => w.url().includes('prep.worker'))).toBe(true);
  // Cancel the rest, if any is left: on WASM the 14 tiny images may all be scored before the click.
  if ((await queued()).length > 0)
    await page
      .getByRole('button', { name: 'Cancel' })
      .click({ timeout: 5000 })
      .catch(() => undefined);
  await expect.poll(async () => (await queued()).length).toBe(0);
  await shot(page, info, 'queue-visible-first');
});

test('images pre-processed ahead score exactly as images the engine decodes itself', async ({
  page,
  browser,
  baseURL,
  app,
}) => {
  const images = ['test_a.png', 'test_c.png', 'test_b.png'];
  const run = async (p: Page, extra: Record<string, string>) => {
    await app.openTinyModel({ page: p, extra, prompts: true });
    await drop(p, images);
    await waitScored(p, images);
    const prepWorker = p.workers().some((w) => w.url().includes('prep.worker'));
    expect(prepWorker, 'pre-processing worker used').toBe(extra.prefetch !== '0');
    return shownScores(p);
  };
  const prepared = await run(page, {});
  // A fresh profile, so that no stored features are reused.
  const fresh = await guardedContext(browser, baseURL);
  try {
    const inEngine = await run(await fresh.context.newPage(), { prefetch: '0' });
    for (const n of images) expect(prepared[n], n).toBe(inEngine[n]);
  } finally {
    await fresh.context.close();
  }
  expect(fresh.external).toEqual([]);
});
