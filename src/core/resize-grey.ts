/**
 * Pillow-exact 8-bit single-channel ('L') BILINEAR resize, what torchvision's Resize does to a PIL mask:
 * antialiased fixed-point weights (pillow-resample.ts), horizontal pass first, each pass rounded and clamped
 * to uint8. A dimension whose size does not change is not resampled, as in Pillow.
 */
import { BILINEAR, clip8, HALF, type HorizontalPass, resizeSeparable } from './pillow-resample';

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row-major. */
  data: Uint8Array;
}

const horizontal: HorizontalPass = (src, sw, y0, rows, dw, c) => {
  const out = new Uint8Array(dw * rows);
  for (let y = 0; y < rows; y++) {
    const row = (y0 + y) * sw;
    for (let x = 0; x < dw; x++) {
      const kBase = x * c.ksize;
      const p = row + c.start[x];
      let s = HALF;
      for (let j = 0; j < c.count[x]; j++) s += src[p + j] * c.weights[kBase + j];
      out[y * dw + x] = clip8(s);
    }
  }
  return out;
};

/** Resizes an 8-bit grey image to outW×outH exactly as Pillow's Image.resize(..., Image.BILINEAR). */
export function resizeBilinearGrey(img: GreyImage, outW: number, outH: number): GreyImage {
  return resizeSeparable(img, 1, outW, outH, { name: 'resizeBilinearGrey', filter: BILINEAR, horizontal });
}
