/** CMYK JPEGs of known samples (Node: made with sharp from a hand-written CMYK TIFF). */
import sharp from 'sharp';

/**
 * CMYK samples as Pillow holds them, with the RGB Pillow's convert('RGB') gives, worked by hand from
 * Convert.c's cmyk2rgb: nk = 255 − k, r = nk − MULDIV255(c, nk), MULDIV255(a, b) = (t + (t >> 8)) >> 8
 * with t = a·b + 128. E.g. (30, 60, 90, 120): nk = 135, 30·135 + 128 = 4178 → 16, so r = 119.
 */
export const PILLOW_CMYK_COLOURS: { cmyk: number[]; rgb: number[] }[] = [
  { cmyk: [0, 0, 0, 0], rgb: [255, 255, 255] },
  { cmyk: [255, 0, 0, 0], rgb: [0, 255, 255] },
  { cmyk: [30, 60, 90, 120], rgb: [119, 103, 87] },
  { cmyk: [200, 10, 100, 250], rgb: [1, 5, 3] },
  { cmyk: [0, 128, 255, 64], rgb: [191, 95, 0] },
];

/** An uncompressed little-endian CMYK TIFF (photometric 5, "separated"). */
function cmykTiff(width: number, height: number, px: Uint8Array): Uint8Array {
  // [tag, type (3 short, 4 long), value]; 258 and 273 point at data written after the directory.
  const entries: [number, number, number][] = [
    [256, 3, width],
    [257, 3, height],
    [258, 3, 0],
    [259, 3, 1],
    [262, 3, 5],
    [273, 4, 0],
    [277, 3, 4],
    [278, 3, height],
    [279, 4, px.length],
    [284, 3, 1],
  ];
  const ifd = 8;
  const bitsAt = ifd + 2 + entries.length * 12 + 4;
  const dataAt = bitsAt + 8;
  const out = new Uint8Array(dataAt + px.length);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  v.setUint32(4, ifd, true);
  v.setUint16(ifd, entries.length, true);
  for (const [i, [tag, type, value]] of entries.entries()) {
    const o = ifd + 2 + i * 12;
    v.setUint16(o, tag, true);
    v.setUint16(o + 2, type, true);
    v.setUint32(o + 4, tag === 258 ? 4 : 1, true);
    const val = tag === 258 ? bitsAt : tag === 273 ? dataAt : value;
    if (type === 3 && tag !== 258) v.setUint16(o + 8, val, true);
    else v.setUint32(o + 8, val, true);
  }
  for (let i = 0; i < 4; i++) v.setUint16(bitsAt + 2 * i, 8, true);
  out.set(px, dataAt);
  return out;
}

/** Removes the Adobe APP14 segment, leaving a 4-component JPEG libjpeg reads as plain CMYK. */
function withoutAdobe(jpeg: Uint8Array): Uint8Array {
  for (let i = 2; i + 4 < jpeg.length; ) {
    const len = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (jpeg[i + 1] === 0xee) return new Uint8Array([...jpeg.subarray(0, i), ...jpeg.subarray(i + 2 + len)]);
    i += 2 + len;
  }
  throw new Error('no APP14 segment');
}

/** A CMYK JPEG with one flat 8×8 block per PILLOW_CMYK_COLOURS entry, in a row. */
export async function cmykJpeg(
  adobe: boolean,
): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const width = 8 * PILLOW_CMYK_COLOURS.length;
  const height = 8;
  const px = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) px.set(PILLOW_CMYK_COLOURS[(i % width) >> 3].cmyk, 4 * i);
  // libvips writes the Adobe marker and inverted samples; Pillow reads them back inverted: the TIFF's values.
  const jpeg = await sharp(cmykTiff(width, height, px))
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  const bytes = new Uint8Array(jpeg);
  return { bytes: adobe ? bytes : withoutAdobe(bytes), width, height };
}
