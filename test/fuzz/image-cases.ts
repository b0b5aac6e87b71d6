/**
 * Generated image files, each with what decoding must give: the exact RGB pixels, or a message substring.
 * Pure (no node:*), so the app's tests can feed the same bytes through the browser decoder.
 */
import { crc32 } from '../../src/core/crc32';

export interface ImageCase {
  name: string;
  file: string;
  bytes: () => Uint8Array;
  /** Expected RGB pixels (row-major, 3 bytes each) … */
  pixels?: { width: number; height: number; data: Uint8Array };
  /** … or the message substring of the refusal. */
  expect?: string;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * An uncompressed little-endian one-strip TIFF of 32-bit float grey samples (all 0.5), as microscopes save;
 * with `withPixels` false, the header alone (its strip stated but absent).
 */
export function floatTiff(width: number, height: number, withPixels = true): Uint8Array {
  // [tag, type (3 SHORT, 4 LONG), value]; every value fits in the entry.
  const entries: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 32],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // strip offset, set below
    [277, 3, 1],
    [278, 4, height],
    [279, 4, width * height * 4],
    [339, 3, 3], // SampleFormat: IEEE float
  ];
  const dataOffset = 8 + 2 + entries.length * 12 + 4;
  const out = new Uint8Array(dataOffset + (withPixels ? width * height * 4 : 0));
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  v.setUint32(4, 8, true);
  v.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const o = 10 + i * 12;
    v.setUint16(o, tag, true);
    v.setUint16(o + 2, type, true);
    v.setUint32(o + 4, 1, true);
    const val = tag === 273 ? dataOffset : value;
    if (type === 3) v.setUint16(o + 8, val, true);
    else v.setUint32(o + 8, val, true);
  });
  if (withPixels) for (let i = 0; i < width * height; i++) v.setFloat32(dataOffset + 4 * i, 0.5, true);
  return out;
}

/** A PNG whose header (with valid CRCs) states `width`×`height`; the pixel data is not there. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  return concat([
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Uint8Array.of(0x78, 0x01)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** A baseline JPEG's first segments (APP0, SOF0) stating `width`×`height`. */
function jpegHeaderOnly(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 255, width >> 8, width & 255, 3];
  for (let c = 1; c <= 3; c++) sof.push(c, 0x11, 0);
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof, 0xff, 0xd9]);
}

/** A lossless WebP (VP8L) header stating `width`×`height`. */
function webpHeaderOnly(width: number, height: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set(
    [...'RIFF'].map((c) => c.charCodeAt(0)),
    0,
  );
  new DataView(b.buffer).setUint32(4, 22, true);
  b.set(
    [...'WEBPVP8L'].map((c) => c.charCodeAt(0)),
    8,
  );
  new DataView(b.buffer).setUint32(16, 10, true);
  b[20] = 0x2f;
  const bits = (width - 1) | ((height - 1) << 14);
  new DataView(b.buffer).setUint32(21, bits >>> 0, true);
  return b;
}

export interface BmpSpec {
  width: number;
  height: number;
  /** Source pixels, RGB row-major top to bottom. */
  rgb: Uint8Array;
  bpp: 1 | 4 | 8 | 24 | 32;
  topDown?: boolean;
  /** 32-bit: store as BI_BITFIELDS with these R, G, B, A masks. */
  masks?: [number, number, number, number];
  /** The 12-byte OS/2 core header (BGR palette entries, 16-bit sizes). */
  core?: boolean;
  /** Palette formats: the colours, in index order (every pixel's colour must be one of them). */
  palette?: [number, number, number][];
}

/** Encodes a BMP exactly as specified, as independent of the decoder as possible. */
export function encodeBmp(s: BmpSpec): Uint8Array {
  const { width, height, bpp } = s;
  const dib = s.core ? 12 : s.masks ? 56 : 40;
  const entry = s.core ? 3 : 4;
  const pal = s.palette ?? [];
  const stride = Math.ceil((bpp * width) / 32) * 4;
  const offset = 14 + dib + pal.length * entry;
  const out = new Uint8Array(offset + stride * height);
  const v = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, dib, true);
  if (s.core) {
    v.setUint16(18, width, true);
    v.setUint16(20, height, true);
    v.setUint16(22, 1, true);
    v.setUint16(24, bpp, true);
  } else {
    v.setInt32(18, width, true);
    v.setInt32(22, s.topDown ? -height : height, true);
    v.setUint16(26, 1, true);
    v.setUint16(28, bpp, true);
    v.setUint32(30, s.masks ? 3 : 0, true);
    v.setUint32(34, stride * height, true);
    v.setUint32(46, pal.length, true);
    for (const [i, m] of (s.masks ?? []).entries()) v.setUint32(54 + 4 * i, m >>> 0, true);
  }
  for (const [i, [r, g, b]] of pal.entries()) out.set([b, g, r], 14 + dib + i * entry);
  const index = new Map(pal.map(([r, g, b], i) => [(r << 16) | (g << 8) | b, i]));
  for (let y = 0; y < height; y++) {
    const row = offset + (s.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = s.rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3);
      if (bpp === 24) out.set([b, g, r], row + 3 * x);
      else if (bpp === 32) {
        const [rm, gm, bm, am] = s.masks ?? [0xff0000, 0xff00, 0xff, 0];
        const put = (value: number, mask: number) => (mask ? value * (mask & -mask) : 0);
        const px = put(r, rm) + put(g, gm) + put(b, bm) + put(0x80, am);
        v.setUint32(row + 4 * x, px >>> 0, true);
      } else {
        const i = index.get((r << 16) | (g << 8) | b);
        if (i === undefined) throw new Error('encodeBmp: pixel colour not in the palette');
        const perByte = 8 / bpp;
        out[row + Math.floor(x / perByte)] |= i << (8 - bpp * ((x % perByte) + 1));
      }
    }
  }
  return out;
}

/** A small image with distinct values in every channel and position. */
function gradient(width: number, height: number): Uint8Array {
  const d = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++)
    d.set([(i * 37) & 255, (i * 11 + 50) & 255, 255 - ((i * 5) & 255)], 3 * i);
  return d;
}

/** An image using only the palette's colours. */
function fromPalette(width: number, height: number, pal: [number, number, number][]): Uint8Array {
  const d = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) d.set(pal[(i * 7 + (i >> 3)) % pal.length], 3 * i);
  return d;
}

const PAL16: [number, number, number][] = Array.from({ length: 16 }, (_, i) => [
  i * 16,
  255 - i * 9,
  (i * 53) & 255,
]);
const PAL2: [number, number, number][] = [
  [10, 20, 30],
  [250, 240, 230],
];

function bmpCase(
  name: string,
  spec: Omit<BmpSpec, 'rgb'>,
  make: (w: number, h: number) => Uint8Array,
): ImageCase {
  const rgb = make(spec.width, spec.height);
  return {
    name,
    file: `${name.replace(/\W+/g, '-')}.bmp`,
    bytes: () => encodeBmp({ ...spec, rgb }),
    pixels: { width: spec.width, height: spec.height, data: rgb },
  };
}

export const BMP_CASES: ImageCase[] = [
  bmpCase('24-bit bottom-up, padded rows', { width: 5, height: 3, bpp: 24 }, gradient),
  bmpCase('24-bit top-down', { width: 7, height: 4, bpp: 24, topDown: true }, gradient),
  bmpCase('24-bit OS2 core header', { width: 3, height: 2, bpp: 24, core: true }, gradient),
  bmpCase('32-bit BGRX', { width: 6, height: 3, bpp: 32 }, gradient),
  bmpCase(
    '32-bit bit fields RGBA order',
    { width: 4, height: 5, bpp: 32, masks: [0xff, 0xff00, 0xff0000, 0xff000000] },
    gradient,
  ),
  bmpCase('8-bit palette', { width: 9, height: 4, bpp: 8, palette: PAL16 }, (w, h) =>
    fromPalette(w, h, PAL16),
  ),
  bmpCase('4-bit palette, odd width', { width: 5, height: 3, bpp: 4, palette: PAL16 }, (w, h) =>
    fromPalette(w, h, PAL16),
  ),
  bmpCase('1-bit palette', { width: 11, height: 2, bpp: 1, palette: PAL2 }, (w, h) =>
    fromPalette(w, h, PAL2),
  ),
];

function withUint32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, true);
  return bytes;
}

const BMP_24 = () => encodeBmp({ width: 4, height: 4, bpp: 24, rgb: gradient(4, 4) });
const text = (s: string) => new TextEncoder().encode(s);

export const REFUSED_IMAGE_CASES: ImageCase[] = [
  {
    name: 'a valid 60000×60000 PNG header',
    file: 'huge.png',
    bytes: () => pngHeaderOnly(60000, 60000),
    expect:
      'huge.png: 60000×60000 pixels (3600 megapixels) is over the limit of 268.40 megapixels (16383×16383)',
  },
  {
    name: 'a 20000×16000 JPEG header',
    file: 'huge.jpg',
    bytes: () => jpegHeaderOnly(20000, 16000),
    expect: 'huge.jpg: 20000×16000 pixels (320.00 megapixels) is over the limit',
  },
  {
    name: 'a 16384×16384 lossless WebP header',
    file: 'huge.webp',
    bytes: () => webpHeaderOnly(16384, 16384),
    expect: 'huge.webp: 16384×16384 pixels (268.44 megapixels) is over the limit',
  },
  {
    name: 'a 30000×10000 BMP header',
    file: 'huge.bmp',
    bytes: () => {
      const b = BMP_24();
      new DataView(b.buffer).setInt32(18, 30000, true);
      new DataView(b.buffer).setInt32(22, 10000, true);
      return b;
    },
    expect: 'huge.bmp: 30000×10000 pixels (300.00 megapixels) is over the limit',
  },
  {
    name: 'a 40000×20000 TIFF header',
    file: 'huge.tif',
    bytes: () => floatTiff(40000, 20000, false),
    expect: 'huge.tif: 40000×20000 pixels (800.00 megapixels) is over the limit',
  },
  {
    name: 'an RLE8 BMP',
    file: 'rle.bmp',
    bytes: () =>
      withUint32(
        encodeBmp({ width: 4, height: 1, bpp: 8, rgb: fromPalette(4, 1, PAL16), palette: PAL16 }),
        30,
        1,
      ),
    expect: 'rle.bmp: RLE8-compressed BMP is not supported; save it uncompressed',
  },
  {
    name: 'a 16-bit BMP',
    file: 'rgb555.bmp',
    bytes: () => {
      const b = BMP_24();
      new DataView(b.buffer).setUint16(28, 16, true);
      return b;
    },
    expect: 'rgb555.bmp: 16-bit BMP is not supported',
  },
  {
    name: 'a truncated BMP',
    file: 'cut.bmp',
    bytes: () => BMP_24().subarray(0, 80),
    expect: 'cut.bmp: corrupt or truncated BMP data',
  },
  {
    name: 'a BMP signature and nothing else',
    file: 'stub.bmp',
    bytes: () => Uint8Array.of(0x42, 0x4d, 0, 0, 0, 0),
    expect: 'stub.bmp: corrupt or truncated BMP data',
  },
  {
    name: 'an SVG',
    file: 'logo.svg',
    bytes: () =>
      text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'),
    expect:
      'logo.svg: an SVG (vector) image, which has no pixel size of its own; use PNG, JPEG, WebP, BMP, GIF, AVIF or TIFF',
  },
  {
    name: 'a 32-bit float TIFF',
    file: 'scan.tif',
    bytes: () => floatTiff(2, 2),
    expect:
      'scan.tif: 32-bit float TIFF is not supported (8-bit grey/RGB/RGBA, 16-bit grey or 16-bit RGB/RGBA only)',
  },
  {
    name: 'a text file',
    file: 'notes.png',
    bytes: () => text('this is not an image\n'),
    expect: 'notes.png: not an image',
  },
];
