import { describe, expect, it } from 'vitest';
import { resizeBilinearGrey } from './resize-grey';

const grey = (width: number, height: number, values: number[]) => ({
  width,
  height,
  data: new Uint8Array(values),
});

describe('resizeBilinearGrey (Pillow 8-bit BILINEAR)', () => {
  it('2 → 4 upscale, worked by hand', () => {
    // Scale 0.5, support 1: out0 has one tap (x = 0) → 0; out1 taps 0.75·0 + 0.25·255 = 63.75 → 64;
    // out2 mirrors it: 191.25 → 191; out3 → 255.
    expect(Array.from(resizeBilinearGrey(grey(2, 1, [0, 255]), 4, 1).data)).toEqual([0, 64, 191, 255]);
  });

  it('4 → 2 downscale, antialiased, worked by hand', () => {
    // Scale 2, support 2: out0 taps x = 0..2 with triangle((x − 0.5)/2) = 0.75, 0.75, 0.25 (sum 1.75);
    // fixed-point weights 1797559, 1797559, 599186 / 2^22 → (2^21 + 255·599186) >> 22 = 36.
    // out1 taps x = 1..3, 0.25, 0.75, 0.75 → (2^21 + 255·3595118) >> 22 = 219.
    expect(Array.from(resizeBilinearGrey(grey(4, 1, [0, 0, 255, 255]), 2, 1).data)).toEqual([36, 219]);
  });

  it('resizes both axes, and leaves an unchanged size alone', () => {
    const out = resizeBilinearGrey(grey(2, 2, [0, 255, 255, 255]), 4, 4);
    // Output rows 0 and 3 each have one vertical tap (source rows 0 and 1), so they are the horizontal pass
    // of those rows: 0 64 191 255 and all 255.
    expect(Array.from(out.data.subarray(0, 4))).toEqual([0, 64, 191, 255]);
    expect(Array.from(out.data.subarray(12, 16))).toEqual([255, 255, 255, 255]);
    const same = grey(3, 1, [1, 2, 3]);
    expect(Array.from(resizeBilinearGrey(same, 3, 1).data)).toEqual([1, 2, 3]);
    expect(() => resizeBilinearGrey(same, 0, 1)).toThrow(/invalid output size/);
  });
});
