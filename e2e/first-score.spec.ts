/**
 * Scores in the page, on each backend: a card shows the image score (from the full passes) before its
 * map (which needs the window passes), that early score is the final zero-shot score, and the final
 * scores equal the engine's in Node, each image encoded once.
 */
import { drop, engineStats, shot, shownScores, waitScored } from './support/app';
import { expect, test } from './support/fixtures';
import { maxDiff, referenceScores, TOLERANCE } from './support/reference-engine';

// On WASM the two-tile image: its early score needs the full passes of both tiles. On WebGPU
// (SwiftShader in CI: about 3 s of CPU per encoder pass) the one-tile image: which passes run in which
// order, across tiles too, is the engine's JS and the same on every backend; what the backend decides
// is when each pass ends, and its scores.
const IMAGES = { wasm: ['test_c.png'], webgpu: ['test_d.png'] };
const TILES: Record<string, number> = { 'test_c.png': 2, 'test_d.png': 1 };
// One template: 11 prompts to embed instead of 242 (SwiftShader takes seconds per text-encoder batch).
const TEMPLATES = ['a photo of a {}.'];

// Tagged @gpu: the order depends on how the backend runs the passes, and the scores on the backend's
// kernels, so both projects run it (the webgpu project's only check of the page's scores).
test(
  'each card shows its score before its map, unchanged when the map lands, and it equals the engine score',
  { tag: '@gpu' },
  async ({ page, app, backend }, info) => {
    const images = IMAGES[backend];
    await app.openTinyModel({ prompts: true, templates: TEMPLATES });
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

    // The final scores equal the engine's on the same files with the same prompts, the only ones embedded.
    const stats = await engineStats(page);
    expect(stats.promptsEmbedded).toBe(11);
    const diff = maxDiff(
      final,
      await referenceScores(images, { objectName: 'object', templates: TEMPLATES }),
    );
    info.annotations.push({ type: 'max |score − engine score|', description: diff.toExponential(2) });
    expect(diff).toBeLessThan(TOLERANCE);
    // Every image encoded exactly once: one full pass and one batched pass per window scale, per tile.
    expect(stats.imagesEncoded).toBe(images.length);
    expect(stats.imageEncoderRuns).toBe(3 * images.reduce((t, name) => t + (TILES[name] ?? 1), 0));
    await shot(page, info, 'first-score-gallery');
  },
);
