/**
 * The engine under an inspection region: encoding crops first (the same features as encoding the crop),
 * results carry the box, and features encoded under one ROI are never scored as if under another.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNodeEngine } from '../src/cli/node-engine';
import { cropImage } from '../src/core/inspection-region';
import type { RgbImage } from '../src/core/types';
import type { WinclipEngine } from '../src/engine/engine';
import { decodeImageFile } from '../src/io/decode-node';
import { FIXTURE_DIR, fixturePrompts } from './fixture';

const roi = { x: 100, y: 50, width: 300, height: 200 };
let engine: WinclipEngine;
let image: RgbImage;

beforeAll(async () => {
  engine = await createNodeEngine(FIXTURE_DIR, 2);
  await engine.setPrompts({ normal: fixturePrompts.normal, anomalous: fixturePrompts.anomalous });
  image = await decodeImageFile(join(FIXTURE_DIR, 'test_c.png'));
});

describe('engine with an inspection region', () => {
  it('scores exactly the crop, and says which box the map covers', async () => {
    await engine.encode('roi', image, { roi });
    await engine.encode('crop', cropImage(image, roi));
    const a = await engine.score('roi', { setup: { roi, ignore: [] } });
    const b = await engine.score('crop');
    expect(a.roi).toEqual(roi);
    expect(b.roi).toBeUndefined();
    expect([a.width, a.height]).toEqual([300, 200]);
    expect(a.imageScore).toBe(b.imageScore);
    expect([...a.anomalyMap]).toEqual([...b.anomalyMap]);
    // Scoring without a setup reads the box from the features.
    expect((await engine.score('roi')).roi).toEqual(roi);
  });

  it('an empty setup changes nothing: the result is the one without options', async () => {
    await engine.encode('whole', image);
    const plain = await engine.score('whole');
    const empty = await engine.score('whole', { setup: { ignore: [] } });
    expect(empty).toEqual(plain);
    expect('roi' in plain).toBe(false);
  });

  it('refuses features of one region scored or encoded under another', async () => {
    await expect(engine.score('roi', { setup: { ignore: [] } })).rejects.toThrow(
      'the image was encoded inside 100,50,300,200 but is scored whole: encode it again under the new inspection region',
    );
    await expect(engine.encode('roi', image, { roi: { ...roi, x: 101 } })).rejects.toThrow(
      "image 'roi' was encoded inside 100,50,300,200; forget it before encoding it inside 101,50,300,200",
    );
    await expect(engine.encode('roi', image, { roi: { ...roi, width: 600 } })).rejects.toThrow();
    engine.forget('roi');
    await expect(engine.encode('big', image, { roi: { ...roi, width: 600 } })).rejects.toThrow(
      'The 640×400 image is smaller than the inspection region 100,50,600,200 (it needs at least 700×250)',
    );
  });
});
