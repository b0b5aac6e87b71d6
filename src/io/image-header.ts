/**
 * Pure image-header sniffing, shared by the Node and browser decoders: the container format from the
 * first bytes (file names and MIME types are not trusted), and the pixel size from the header alone, so
 * a huge image is refused with its real size before anything is decoded.
 */

export type SniffedFormat = 'png' | 'jpeg' | 'webp' | 'bmp' | 'gif' | 'avif' | 'tiff';

export { SUPPORTED_FORMATS_TEXT } from '../core/image-formats';

/**
 * Largest image accepted, in pixels: 16383², sharp's own default, and just under the largest canvas
 * Chromium allocates. One limit for the CLI and the app, so both refuse the same images.
 */
const MAX_IMAGE_SIDE = 16383;
export const MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;

export interface ImageHeader {
  format: SniffedFormat;
  width: number;
  height: number;
  /** JPEG only: colour components (4 for CMYK/YCCK). */
  components?: number;
}

function startsWith(head: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...head.subarray(from, Math.min(to, head.length)));
}

/** Identifies the image container from its first bytes (16 are enough). */
export function sniffImageFormat(head: Uint8Array): SniffedFormat | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (ascii(head, 0, 2) === 'BM') return 'bmp';
  if (ascii(head, 0, 4) === 'GIF8') return 'gif';
  if (ascii(head, 4, 8) === 'ftyp' && /avi[fs]/.test(ascii(head, 8, 12))) return 'avif';
  // TIFF (42) or BigTIFF (43), either byte order.
  if (/^(II[*+]\0|MM\0[*+])$/.test(ascii(head, 0, 4))) return 'tiff';
  return null;
}

/** Formats some decoders could read but that this project refuses, with the reason (null: not one). */
export function unsupportedFormat(head: Uint8Array): string | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 1024)).trimStart();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg[\s>]/i.test(text))
    return 'an SVG (vector) image, which has no pixel size of its own';
  return null;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);

/** Walks JPEG marker segments up to the first start-of-frame. */
function jpegHeader(b: Uint8Array): ImageHeader | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // standalone markers carry no length
      continue;
    }
    const len = u16be(b, i + 2);
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {
        format: 'jpeg',
        height: u16be(b, i + 5),
        width: u16be(b, i + 7),
        components: b[i + 9],
      };
    }
    if (marker === 0xda || len < 2) return null;
    i += 2 + len;
  }
  return null;
}

function webpHeader(b: Uint8Array): ImageHeader | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 16);
  if (chunk === 'VP8 ' && startsWith(b, [0x9d, 0x01, 0x2a], 23))
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return null;
}

/** TIFF field types whose values are read: BYTE, SHORT, LONG (bytes each). */
const TIFF_TYPE_SIZES: Record<number, number> = { 1: 1, 3: 2, 4: 4 };

/**
 * The values of the first IFD's small fields (at most 16 values each: sizes, depths, compression, …) of a
 * classic TIFF, from its first bytes. Null when the IFD, or one of those values, lies beyond the bytes given
 * (writers may put the IFD after the pixel data) or the file is BigTIFF.
 */
export function readTiffTags(b: Uint8Array): Map<number, number[]> | null {
  if (b.length < 8) return null;
  const le = b[0] === 0x49;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint16(2, le) !== 42) return null;
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > b.length) return null;
  const count = view.getUint16(ifd, le);
  if (ifd + 2 + count * 12 > b.length) return null;
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    const size = TIFF_TYPE_SIZES[view.getUint16(e + 2, le)];
    const n = view.getUint32(e + 4, le);
    if (!size || n > 16) continue;
    const at = n * size <= 4 ? e + 8 : view.getUint32(e + 8, le);
    if (at + n * size > b.length) return null;
    const read = (o: number) =>
      size === 1 ? view.getUint8(o) : size === 2 ? view.getUint16(o, le) : view.getUint32(o, le);
    tags.set(
      view.getUint16(e, le),
      Array.from({ length: n }, (_, k) => read(at + k * size)),
    );
  }
  return tags;
}

/**
 * The format and pixel size stated by the header, from the file's first bytes (64 KiB are plenty except
 * for JPEGs with very large metadata ahead of the frame header). Null when the format is not one of
 * ours or the size is not in the bytes given (AVIF sizes sit deep in its boxes, a TIFF's IFD may follow its
 * pixels: those are left to the decoder).
 */
export function readImageHeader(b: Uint8Array): ImageHeader | null {
  const format = sniffImageFormat(b);
  switch (format) {
    case 'png':
      // IHDR is always the first chunk.
      return b.length >= 24 && ascii(b, 12, 16) === 'IHDR'
        ? { format, width: u32be(b, 16), height: u32be(b, 20) }
        : null;
    case 'jpeg':
      return jpegHeader(b);
    case 'webp':
      return webpHeader(b);
    case 'gif':
      return b.length >= 10 ? { format, width: u16le(b, 6), height: u16le(b, 8) } : null;
    case 'bmp': {
      if (b.length < 26) return null;
      const dib = u16le(b, 14) | (u16le(b, 16) << 16);
      if (dib === 12) return { format, width: u16le(b, 18), height: u16le(b, 20) };
      return { format, width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
    }
    case 'tiff': {
      const tags = readTiffTags(b);
      const [width, height] = [tags?.get(256)?.[0], tags?.get(257)?.[0]];
      return width !== undefined && height !== undefined ? { format, width, height } : null;
    }
    default:
      return null;
  }
}

/** The one-line refusal for an image over MAX_IMAGE_PIXELS, or null when it fits. */
export function pixelLimitProblem(name: string, width: number, height: number): string | null {
  if (width * height <= MAX_IMAGE_PIXELS) return null;
  const mp = (n: number) => `${(n / 1e6).toFixed(n >= 1e9 ? 0 : 2)} megapixels`;
  return `${name}: ${width}×${height} pixels (${mp(width * height)}) is over the limit of ${mp(MAX_IMAGE_PIXELS)} (${MAX_IMAGE_SIDE}×${MAX_IMAGE_SIDE})`;
}
