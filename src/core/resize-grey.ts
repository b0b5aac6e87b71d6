/**
 * Pillow-exact 8-bit single-channel ('L') BILINEAR resize, what torchvision's Resize does to a PIL mask:
 * antialiased fixed-point weights (pillow-resample.ts), horizontal pass first, each pass rounded and clamped
 * to uint8. A dimension whose size does not change is not resampled, as in Pillow.
 */
import { BILINEAR, type Coeffs, clip8, coefficients, HALF } from './pillow-resample';

export interface GreyImage {
  width: number;
  height: number;
  /** One byte per pixel, row-major. */
  data: Uint8Array;
}

function horizontal(
  src: Uint8Array,
  sw: number,
  y0: number,
  rows: number,
  dw: number,
  c: Coeffs,
): Uint8Array {
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
}

/** Vertical pass; `rowOffset` is the first source row held in `src`. */
function vertical(src: Uint8Array, width: number, rowOffset: number, dh: number, c: Coeffs): Uint8Array {
  const out = new Uint8Array(width * dh);
  for (let y = 0; y < dh; y++) {
    const kBase = y * c.ksize;
    const first = (c.start[y] - rowOffset) * width;
    for (let x = 0; x < width; x++) {
      let s = HALF;
      let p = first + x;
      for (let j = 0; j < c.count[y]; j++, p += width) s += src[p] * c.weights[kBase + j];
      out[y * width + x] = clip8(s);
    }
  }
  return out;
}

/** Resizes an 8-bit grey image to outW×outH exactly as Pillow's Image.resize(..., Image.BILINEAR). */
export function resizeBilinearGrey(img: GreyImage, outW: number, outH: number): GreyImage {
  const { width: sw, height: sh, data } = img;
  if (data.length !== sw * sh) throw new Error(`resizeBilinearGrey: ${data.length} bytes for ${sw}×${sh}`);
  if (!(Number.isInteger(outW) && Number.isInteger(outH) && outW > 0 && outH > 0))
    throw new Error(`resizeBilinearGrey: invalid output size ${outW}×${outH}`);
  const needH = outW !== sw;
  const needV = outH !== sh;
  if (!needH && !needV) return { width: sw, height: sh, data: data.slice() };
  const cv = coefficients(sh, outH, BILINEAR);
  let cur = data;
  let rowOffset = 0;
  if (needH) {
    // Like Pillow, only the source rows the vertical pass reads are resampled horizontally.
    const first = needV ? cv.start[0] : 0;
    const last = needV ? cv.start[outH - 1] + cv.count[outH - 1] : sh;
    cur = horizontal(data, sw, first, last - first, outW, coefficients(sw, outW, BILINEAR));
    rowOffset = first;
  }
  if (!needV) return { width: outW, height: outH, data: cur };
  return { width: outW, height: outH, data: vertical(cur, outW, rowOffset, outH, cv) };
}
