/**
 * BMP decoder (sharp has none) to 8-bit RGB with Pillow's convert('RGB') results: uncompressed 24-bit
 * BGR, 32-bit BGRX or 32-bit bit fields with 8-bit masks (alpha dropped), and 1-, 4- or 8-bit palettes.
 * Rows are bottom-up unless the height is negative. RLE, 16-bit and embedded JPEG/PNG are refused.
 */
import type { RgbImage } from '../core/types';
import { pixelLimitProblem } from './image-header';

class BmpError extends Error {}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = {
  1: 'RLE8-compressed',
  2: 'RLE4-compressed',
  4: 'JPEG-in-BMP',
  5: 'PNG-in-BMP',
};

/** Shift of an 8-bit-wide contiguous mask, or -1 when the mask is not one. */
function byteMaskShift(mask: number): number {
  for (let s = 0; s <= 24; s += 8) if (mask >>> 0 === (0xff << s) >>> 0) return s;
  return -1;
}

export function decodeBmp(b: Uint8Array, name = 'image.bmp'): RgbImage {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const corrupt = (why: string) => new BmpError(`${name}: corrupt or truncated BMP data (${why})`);
  if (b.length < 26 || b[0] !== 0x42 || b[1] !== 0x4d) throw corrupt('no BMP header');
  const pixelOffset = view.getUint32(10, true);
  const dib = view.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = BI_RGB;
  let colorsUsed = 0;
  if (dib === 12) {
    width = view.getUint16(18, true);
    height = view.getUint16(20, true);
    bpp = view.getUint16(24, true);
  } else if (dib >= 40 && b.length >= 14 + 40) {
    width = view.getInt32(18, true);
    height = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = view.getUint32(46, true);
  } else {
    throw corrupt(`unknown header size ${dib}`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height === 0) throw corrupt(`size ${width}×${height}`);
  const limit = pixelLimitProblem(name, width, height);
  if (limit) throw new BmpError(limit);
  if (COMPRESSION_NAMES[compression])
    throw new BmpError(
      `${name}: ${COMPRESSION_NAMES[compression]} BMP is not supported; save it uncompressed`,
    );

  // Channel shifts of a 32-bit pixel read little-endian (BGRX unless bit fields say otherwise).
  let shifts = [16, 8, 0];
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    if (bpp !== 32) throw new BmpError(`${name}: ${bpp}-bit BMP with bit fields is not supported`);
    if (b.length < 66) throw corrupt('bit masks missing');
    const masks = [0, 1, 2].map((i) => view.getUint32(54 + 4 * i, true));
    shifts = masks.map(byteMaskShift);
    if (shifts.some((s) => s < 0)) {
      const hex = masks.map((m) => `0x${m.toString(16)}`).join(', ');
      throw new BmpError(`${name}: BMP bit masks ${hex} are not supported (8 bits per channel only)`);
    }
  } else if (compression !== BI_RGB) {
    throw new BmpError(`${name}: BMP compression ${compression} is not supported`);
  }
  if (![1, 4, 8, 24, 32].includes(bpp)) throw new BmpError(`${name}: ${bpp}-bit BMP is not supported`);

  // Palette: BGRX entries after the header (BGR for the 12-byte OS/2 header).
  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entrySize = dib === 12 ? 3 : 4;
    const count = Math.min(colorsUsed || 1 << bpp, 1 << bpp);
    const start = 14 + dib;
    if (start + count * entrySize > b.length) throw corrupt('palette cut short');
    // Indices past the stored colours read Pillow's default palette entries, a grey ramp.
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = i;
    for (let i = 0; i < count; i++) {
      const o = start + i * entrySize;
      palette[3 * i] = b[o + 2];
      palette[3 * i + 1] = b[o + 1];
      palette[3 * i + 2] = b[o];
    }
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset + stride * (height - 1) + Math.ceil((bpp * width) / 8) > b.length)
    throw corrupt(`pixel data needs ${stride * height} bytes from offset ${pixelOffset}`);
  const out = new Uint8Array(width * height * 3);
  const [rs, gs, bs] = shifts;
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    if (bpp === 24) {
      for (let x = 0, i = row; x < width; x++, i += 3, o += 3) {
        out[o] = b[i + 2];
        out[o + 1] = b[i + 1];
        out[o + 2] = b[i];
      }
    } else if (bpp === 32) {
      for (let x = 0, i = row; x < width; x++, i += 4, o += 3) {
        const px = view.getUint32(i, true);
        out[o] = (px >>> rs) & 0xff;
        out[o + 1] = (px >>> gs) & 0xff;
        out[o + 2] = (px >>> bs) & 0xff;
      }
    } else {
      const pal = palette!;
      const perByte = 8 / bpp;
      const mask = (1 << bpp) - 1;
      for (let x = 0; x < width; x++, o += 3) {
        const byte = b[row + Math.floor(x / perByte)];
        const index = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
        out[o] = pal[3 * index];
        out[o + 1] = pal[3 * index + 1];
        out[o + 2] = pal[3 * index + 2];
      }
    }
  }
  return { width, height, data: out };
}
