import { describe, expect, it } from 'vitest';
import type { InspectedImage } from '../state/types';
import { CSV_COLUMNS, resultRows, toCsv } from './results';

const base: Omit<InspectedImage, 'id' | 'name' | 'result'> = {
  file: null as unknown as File,
  addedAt: 0,
  status: 'done',
  error: null,
  width: 240,
  height: 240,
  tiles: 1,
  thumb: null,
  encodeMs: null,
};
const map = { width: 1, height: 1, data: new Float32Array(1) };
const images: InspectedImage[] = [
  {
    ...base,
    id: 'a',
    name: 'a.png',
    result: { score: 0.3, mode: 'few-shot', bank: 3, mapMin: 0, mapMax: 1, thumbMap: map },
  },
  {
    ...base,
    id: 'b',
    name: 'b.png',
    result: { score: 0.52, mode: 'zero-shot', bank: 0, mapMin: 0, mapMax: 1, thumbMap: map },
  },
];

describe('result rows with calibration extras', () => {
  it("uses each image's own-mode threshold for the verdict and carries marks, regions and state words", () => {
    const rows = resultRows(images, {
      thresholds: { image: 0.28, pixel: 0.29 },
      k: 3,
      model: 'm',
      weights: 'w',
      promptSet: 'p',
      extras: {
        label: (im) => (im.id === 'a' ? 'NG' : null),
        thresholds: (im) =>
          im.id === 'a'
            ? { mode: 'few-shot:3', image: 0.28, pixel: 0.29 }
            : { mode: 'zero-shot', image: 0.531, pixel: 0.6 },
        explanations: new Map([
          [
            'a',
            {
              width: 240,
              height: 240,
              pixelThreshold: 0.29,
              regions: [
                {
                  box: [1, 2, 11, 12],
                  area: 80,
                  areaFraction: 80 / 57600,
                  peak: 0.33,
                  state: 'damaged bottle',
                  stateShare: 0.4,
                },
              ],
              imageStates: [{ state: 'damaged bottle', cls: 'anomalous', share: 0.3 }],
            },
          ],
        ]),
      },
    });
    // a: 0.3 ≥ 0.28 → NG; b: 0.52 < 0.531 (its zero-shot threshold, not the sliders' 0.28) → OK.
    expect(rows.map((r) => r.verdict)).toEqual(['NG', 'OK']);
    expect(rows[0].regions?.[0]).toEqual({
      box: [1, 2, 11, 12],
      area: 80,
      area_percent: (80 / 57600) * 100,
      peak: 0.33,
      state: 'damaged bottle',
    });
    const lines = toCsv(rows, { model: 'm', weights: 'w', promptSet: 'p' }).slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toBe(
      `a.png,240,240,0.3,NG,scored,few-shot,3,0.28,0.29,few-shot:3,,,,1,1,2,11,12,80,${(80 / 57600) * 100},0.33,damaged bottle,damaged bottle,NG,m,w,p,`,
    );
    expect(lines[2]).toBe('b.png,240,240,0.52,OK,scored,zero-shot,3,0.531,0.6,zero-shot,,,,,,,,,,,,,,,m,w,p,');
  });
});
