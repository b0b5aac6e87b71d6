import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../test/fixture';
import { imageSlice, muscArray } from '../../test/musc-fixture';
import { muscSettings } from '../core/musc/settings';
import { type LotScores, MuscLot } from './musc-lot';
import { FIXTURE_KEYS, FixtureDevice, fixtureTokens } from './musc-lot.test-helpers';

const TINY = { blocks: 2, imageSize: 240, patchSize: 16 };

function ready(s: LotScores) {
  if (!s.ready) throw new Error(s.message);
  return s.images;
}

function expectReference(ref: 'reference' | 'reference-320', s: LotScores): void {
  const images = ready(s);
  expect(images.map((im) => im.key)).toEqual(FIXTURE_KEYS);
  const rs = muscArray(ref, 'rscin_score').data;
  const ac = muscArray(ref, 'ac_score').data;
  const maps = muscArray(ref, 'anomaly_maps');
  const size = maps.shape[1];
  expect(
    maxAbsDiff(
      Float64Array.from(images, (im) => im.imageScore),
      rs,
    ),
  ).toBeLessThan(1e-5);
  expect(
    maxAbsDiff(
      Float64Array.from(images, (im) => im.maxScore),
      ac,
    ),
  ).toBeLessThan(1e-5);
  images.forEach((im, i) => {
    expect(im.size).toBe(size);
    expect(maxAbsDiff(im.map, imageSlice(maps, i))).toBeLessThan(1e-5);
  });
}

describe('MuscLot', () => {
  for (const [ref, size] of [
    ['reference', 240],
    ['reference-320', 320],
  ] as const) {
    it(`reproduces ${ref}'s RsCIN scores, max scores and maps for the fixture batch`, async () => {
      const device = new FixtureDevice(ref);
      const lot = new MuscLot(device, muscSettings(TINY, { layers: [0, 1], size }));
      await lot.addAll(FIXTURE_KEYS.map((key, i) => ({ key, image: device.image(i) })));
      // 6 images: each of the 15 unordered pairs once, in 5 calls (image i against the later ones).
      expect(lot.counters()).toEqual({ pairsComputed: 15, imagesEncoded: 6 });
      expect(device.calls).toEqual({ encode: 6, nearest: 5 });
      expectReference(ref, lot.scores());
    });
  }

  it('adds a 6th image to a lot of 5 with exactly 5 new pairs and the same scores as all at once', async () => {
    const device = new FixtureDevice('reference');
    const lot = new MuscLot(device, muscSettings(TINY));
    await lot.addAllTokens(
      FIXTURE_KEYS.slice(0, 5).map((key, i) => ({ key, tokens: fixtureTokens('reference', i) })),
    );
    expect(lot.counters()).toEqual({ pairsComputed: 10, imagesEncoded: 0 });
    expect(ready(lot.scores())).toHaveLength(5);
    await lot.add(FIXTURE_KEYS[5], device.image(5));
    expect(lot.counters()).toEqual({ pairsComputed: 15, imagesEncoded: 1 });
    expect(device.calls.nearest).toBe(4 + 1);
    expectReference('reference', lot.scores());
    const once = new MuscLot(device, muscSettings(TINY));
    await once.addAllTokens(FIXTURE_KEYS.map((key, i) => ({ key, tokens: fixtureTokens('reference', i) })));
    const scores = (s: LotScores) => ready(s).map((im) => [im.imageScore, im.maxScore]);
    expect(scores(lot.scores())).toEqual(scores(once.scores()));
    // 6 images × (features 6·225·64 + class token 32 + 5 pair distances of 6·225) float32.
    expect(lot.bytes()).toBe(6 * 4 * (6 * 225 * 64 + 32 + 5 * 6 * 225));
  });

  it('says how many more images it needs below its minimum, and drops pairs on remove', async () => {
    const lot = new MuscLot(new FixtureDevice('reference'), muscSettings(TINY));
    expect(lot.scores()).toEqual({
      ready: false,
      have: 0,
      need: 5,
      more: 5,
      message: 'the lot mode needs at least 5 images; 5 more to go',
    });
    await lot.addAllTokens(FIXTURE_KEYS.map((key, i) => ({ key, tokens: fixtureTokens('reference', i) })));
    expect(lot.remove('test_b')).toBe(true);
    expect(lot.remove('test_b')).toBe(false);
    expect(lot.bytes()).toBe(5 * 4 * (6 * 225 * 64 + 32 + 4 * 6 * 225));
    expect(ready(lot.scores()).map((im) => im.key)).toEqual(['ref_1', 'ref_2', 'test_a', 'test_c', 'test_d']);
    lot.remove('ref_1');
    const small = lot.scores();
    expect(small.ready ? 0 : small.more).toBe(1);
    // Re-adding gives back the full batch's result, in the new order's keys.
    await lot.addTokens('test_b', fixtureTokens('reference', 3));
    await lot.addTokens('ref_1', fixtureTokens('reference', 0));
    expect(lot.counters().pairsComputed).toBe(15 + 4 + 5);
    const byKey = new Map(ready(lot.scores()).map((im) => [im.key, im.imageScore]));
    const rs = muscArray('reference', 'rscin_score').data;
    for (const [i, k] of FIXTURE_KEYS.entries()) expect(Math.abs(byKey.get(k)! - rs[i])).toBeLessThan(1e-5);
  });

  it('refuses a duplicate key and tokens that do not match its settings', async () => {
    const lot = new MuscLot(new FixtureDevice('reference'), muscSettings(TINY));
    await lot.addTokens('a', fixtureTokens('reference', 0));
    await expect(lot.addTokens('a', fixtureTokens('reference', 1))).rejects.toThrow(
      'the lot already holds an image named "a"',
    );
    await expect(lot.addTokens('b', fixtureTokens('reference-320', 1))).rejects.toThrow(
      '"b": tokens at size 320, layers [0, 1]; the lot uses size 240, layers [0, 1]',
    );
    expect(lot.keys()).toEqual(['a']);
  });
});
