/**
 * First verdict fast: a card shows the image score (from the full passes) before its map (which needs
 * the window passes), and that early score is the final zero-shot score.
 */
import { drop, shot, shownScores, waitScored } from './support/app';
import { expect, test } from './support/fixtures';

// Tagged @gpu: the order depends on how the backend runs the passes, so both projects run it.
test(
  'each card shows its score before its map, and the score does not change when the map lands',
  { tag: '@gpu' },
  async ({ page, app }, info) => {
    const images = ['test_a.png', 'test_c.png'];
    await app.openTinyModel({ prompts: true });
    // Record, per card, the order in which the early score and the final score (with the map) appear.
    await page.evaluate(() => {
      const events: { name: string; what: 'first' | 'final'; score: number }[] = [];
      (window as unknown as { cardEvents: typeof events }).cardEvents = events;
      new MutationObserver((records) => {
        for (const r of records) {
          const el = r.target as HTMLElement;
          if (r.type !== 'attributes' || el.dataset.testid !== 'result-card') continue;
          const what = r.attributeName === 'data-first-score' ? 'first' : 'final';
          const value = el.getAttribute(r.attributeName!);
          if (value !== null) events.push({ name: el.dataset.name ?? '', what, score: Number(value) });
        }
      }).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-first-score', 'data-score'],
      });
    });
    await drop(page, images);
    await waitScored(page, images);
    const events = await page.evaluate(
      () => (window as unknown as { cardEvents: { name: string; what: string; score: number }[] }).cardEvents,
    );
    const final = await shownScores(page);
    for (const name of images) {
      const mine = events.filter((e) => e.name === name);
      expect(mine.map((e) => e.what)).toEqual(['first', 'final']);
      // Zero-shot, the full passes alone give the final image score.
      expect(mine[0].score).toBe(final[name]);
    }
    await expect(page.getByTestId('card-first-score')).toHaveCount(0);
    await shot(page, info, 'first-score-gallery');
  },
);
