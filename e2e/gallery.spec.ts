/**
 * The gallery is virtualized: with many images only the rows near the viewport are in the DOM, scrolling
 * brings the others in (painted, with their scores), and keyboard navigation reaches cards that were not
 * rendered.
 */
import type { Page } from '@playwright/test';
import { BUDGET, card, drop, revealCard, shot } from './support/app';
import { evalDebug } from './support/debug-handle';
import { expect, test } from './support/fixtures';
import { synthFiles } from './support/synth-images';

const COUNT = 60;

function scoredCount(page: Page): Promise<number> {
  return evalDebug(page, (h) => h.state().images.filter((im) => im.status === 'done').length);
}

async function galleryGeometry(page: Page) {
  return page.getByTestId('gallery').evaluate((el) => {
    const first = el.querySelector('[data-testid="result-card"]')!.getBoundingClientRect();
    return {
      cols: Number((el as HTMLElement).dataset.cols),
      viewport: el.clientHeight,
      rowHeight: first.height,
      cards: el.querySelectorAll('[data-testid="result-card"]').length,
    };
  });
}

test('with 60 images only the cards near the viewport exist, and scrolling to the end shows the last', async ({
  page,
  app,
}, info) => {
  await app.openTinyModel();
  await drop(page, await synthFiles(COUNT, 'lot'));
  await expect.poll(() => scoredCount(page), { timeout: BUDGET.batch }).toBe(COUNT);

  // Rows in view, two overscan rows each side and the focused card's row, at most.
  const g = await galleryGeometry(page);
  const bound = g.cols * (Math.ceil(g.viewport / g.rowHeight) + 1 + 2 * 2 + 1);
  expect(g.cols).toBeGreaterThan(1);
  expect(g.cards).toBeLessThanOrEqual(bound);
  expect(g.cards).toBeLessThan(COUNT);
  // Assistive technology still hears the whole list.
  await expect(card(page, 'lot-000.png')).toHaveAttribute('aria-setsize', String(COUNT));
  await expect(card(page, 'lot-000.png')).toHaveAttribute('aria-posinset', '1');
  await expect(card(page, `lot-0${COUNT - 1}.png`)).toHaveCount(0);

  // Half-way down: the cards there are rendered and painted, the first rows are gone.
  await page.getByTestId('gallery').evaluate((el) => {
    el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
  });
  await expect(card(page, 'lot-030.png')).toBeInViewport();
  // The second row is gone (the first stays: it holds the focusable card, so Tab can still reach it).
  await expect(card(page, `lot-${String(g.cols).padStart(3, '0')}.png`)).toHaveCount(0);
  await expect(card(page, 'lot-030.png').getByTestId('card-canvas')).toBeVisible();
  await shot(page, info, 'gallery-scrolled');

  // The end: the last image's card, scored; the DOM holds no more cards than before.
  await page.getByTestId('gallery').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const last = card(page, `lot-0${COUNT - 1}.png`);
  await expect(last).toBeInViewport();
  await expect(last).toHaveAttribute('data-score', /\d/);
  await expect(last).toHaveAttribute('aria-posinset', String(COUNT));
  expect((await galleryGeometry(page)).cards).toBeLessThanOrEqual(bound);

  // Keyboard: Home brings the first card back and focuses it; End goes back to the last.
  await last.click();
  await last.press('Home');
  await expect(card(page, 'lot-000.png')).toBeFocused();
  await expect(card(page, 'lot-000.png')).toBeInViewport();
  await page.keyboard.press('End');
  await expect(last).toBeFocused();
  await expect(last).toBeInViewport();

  // A new order keeps the selected image in view wherever it lands.
  await page.getByLabel('Sort images').selectOption('score-desc');
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await expect(last).toBeInViewport();

  // A card found by scrolling (as helpers do for cards out of view).
  const mid = await revealCard(page, 'lot-025.png');
  await expect(mid).toBeInViewport();
  await expect(mid).toHaveAttribute('data-score', /\d/);
});
