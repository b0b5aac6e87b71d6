/**
 * TIFF in the app: a dropped 16-bit grey and an LZW RGB TIFF score exactly like PNGs of the pixels Pillow
 * converts them to, and a float TIFF is refused at the drop with the reason. Fixtures come from Pillow
 * (test/tiff/make_tiffs.py); without a Python that has Pillow the test is skipped, saying so.
 */
import { readFileSync } from 'node:fs';
import { floatTiff } from '../test/fuzz/image-cases';
import { makePillowTiffs, NO_PILLOW_REASON } from '../test/tiff/pillow-tiffs';
import { card, drop, shownScores, waitScored } from './support/app';
import { expect, test } from './support/fixtures';

test('dropped TIFFs score like PNGs of the same pixels; a float TIFF is refused with the reason', async ({
  page,
  app,
}) => {
  const tiffs = makePillowTiffs(['grey16', 'rgb-lzw']);
  test.skip(!tiffs, NO_PILLOW_REASON);
  await app.openTinyModel();
  const files = tiffs!.flatMap((t) => [
    { name: `${t.name}.tif`, bytes: readFileSync(t.tif), type: 'image/tiff' },
    { name: `${t.name}-pillow.png`, bytes: readFileSync(t.png) },
  ]);
  await drop(page, [
    ...files,
    { name: 'float.tif', bytes: Buffer.from(floatTiff(4, 4)), type: 'image/tiff' },
  ]);
  // Refused at the drop, from its header: a notice, no card.
  await expect(
    page.getByRole('alert').filter({
      hasText:
        'float.tif: 32-bit float TIFF is not supported (8-bit grey/RGB/RGBA, 16-bit grey or 16-bit RGB/RGBA only)',
    }),
  ).toBeVisible();
  await expect(card(page, 'float.tif')).toHaveCount(0);
  await waitScored(
    page,
    files.map((f) => f.name),
  );
  const scores = await shownScores(page);
  for (const t of tiffs!) expect(scores[`${t.name}.tif`], t.name).toBe(scores[`${t.name}-pillow.png`]);
  // Grey and colour score apart: equal pairs are not one constant.
  expect(scores['grey16.tif']).not.toBe(scores['rgb-lzw.tif']);
});
