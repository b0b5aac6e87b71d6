import { describe, expect, it } from 'vitest';
import {
  cropImage,
  parseBox,
  referenceRoi,
  roiKey,
  roiProblem,
  sameRoi,
  toRoiFrame,
} from './inspection-region';
import type { RgbImage } from './types';

/** A w×h image whose pixel (x, y) is [x, y, 7]. */
function ramp(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  return { width: w, height: h, data };
}

describe('inspection region', () => {
  it('crops exactly the box', () => {
    const c = cropImage(ramp(6, 5), { x: 2, y: 1, width: 3, height: 2 });
    expect([c.width, c.height]).toEqual([3, 2]);
    expect([...c.data]).toEqual([2, 1, 7, 3, 1, 7, 4, 1, 7, 2, 2, 7, 3, 2, 7, 4, 2, 7]);
    const whole = cropImage(ramp(6, 5), { x: 0, y: 0, width: 6, height: 5 });
    expect([...whole.data]).toEqual([...ramp(6, 5).data]);
  });

  it('says why an ROI does not fit, with the sizes', () => {
    expect(roiProblem({ x: 0, y: 0, width: 6, height: 5 }, 6, 5)).toBeNull();
    expect(roiProblem({ x: 2, y: 1, width: 5, height: 2 }, 6, 5)).toBe(
      'The 6×5 image is smaller than the inspection region 2,1,5,2 (it needs at least 7×3)',
    );
    expect(roiProblem({ x: 6, y: 0, width: 1, height: 1 }, 6, 5)).toBe(
      'The inspection region 6,0,1,1 lies outside the 6×5 image',
    );
    expect(roiProblem({ x: -1, y: 0, width: 2, height: 2 }, 6, 5)).toMatch(/negative/);
    expect(roiProblem({ x: 0, y: 0, width: 0, height: 2 }, 6, 5)).toMatch(/no area/);
    expect(() => cropImage(ramp(6, 5), { x: 2, y: 1, width: 5, height: 2 })).toThrow(/needs at least 7×3/);
  });

  it('moves areas into the ROI frame', () => {
    const roi = { x: 10, y: 20, width: 50, height: 40 };
    expect(toRoiFrame({ kind: 'rect', box: { x: 15, y: 25, width: 5, height: 6 } }, roi)).toEqual({
      kind: 'rect',
      box: { x: 5, y: 5, width: 5, height: 6 },
    });
    expect(
      toRoiFrame(
        {
          kind: 'polygon',
          points: [
            [10, 20],
            [30.5, 21],
            [12, 40],
          ],
        },
        roi,
      ),
    ).toEqual({
      kind: 'polygon',
      points: [
        [0, 0],
        [20.5, 1],
        [2, 20],
      ],
    });
    const area = { kind: 'rect' as const, box: { x: 1, y: 2, width: 3, height: 4 } };
    expect(toRoiFrame(area, undefined)).toBe(area);
  });

  it('parses x,y,w,h and names what is wrong', () => {
    expect(parseBox('10, 20,200,150')).toEqual({ x: 10, y: 20, width: 200, height: 150 });
    expect(() => parseBox('10,20,200')).toThrow(/x,y,width,height/);
    expect(() => parseBox('10,20,2.5,3')).toThrow(/whole pixels/);
    expect(() => parseBox('10,20,0,3')).toThrow(/no area/);
    expect(() => parseBox('-1,20,5,3')).toThrow(/negative/);
  });

  it('crops a reference only when it has the image size, and says so otherwise', () => {
    const roi = { x: 1, y: 2, width: 3, height: 4 };
    expect(referenceRoi(roi, { width: 8, height: 6 }, { width: 8, height: 6 })).toEqual({ roi, note: null });
    const other = referenceRoi(roi, { width: 9, height: 6 }, { width: 8, height: 6 });
    expect(other.roi).toBeUndefined();
    expect(other.note).toBe(
      'the reference is 9×6, not 8×6 like the image, so it is used whole (the inspection region 1,2,3,4 is not applied to it)',
    );
    expect(referenceRoi(undefined, { width: 9, height: 6 }, { width: 8, height: 6 })).toEqual({
      roi: undefined,
      note: null,
    });
  });

  it('compares ROIs and keys features by them', () => {
    expect(sameRoi(undefined, undefined)).toBe(true);
    expect(sameRoi({ x: 1, y: 2, width: 3, height: 4 }, { x: 1, y: 2, width: 3, height: 4 })).toBe(true);
    expect(sameRoi({ x: 1, y: 2, width: 3, height: 4 }, undefined)).toBe(false);
    expect(sameRoi({ x: 1, y: 2, width: 3, height: 4 }, { x: 1, y: 2, width: 3, height: 5 })).toBe(false);
    expect(roiKey('img', undefined)).toBe('img');
    expect(roiKey('img', { x: 1, y: 2, width: 3, height: 4 })).toBe('img@roi:1,2,3,4');
  });
});
