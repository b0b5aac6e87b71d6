/**
 * CMYK → RGB exactly as Pillow's convert('RGB') (Convert.c cmyk2rgb): r = nk − nk·c/255 with nk = 255 − k,
 * its rounding division being MULDIV255. No colour management, as everywhere in this project.
 */

/** `cmyk` holds 4 bytes per pixel as Pillow stores them (for JPEGs: inverted, the Adobe convention). */
export function cmykToRgb(cmyk: Uint8Array): Uint8Array {
  const n = cmyk.length >> 2;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const nk = 255 - cmyk[4 * i + 3];
    for (let c = 0; c < 3; c++) {
      const t = cmyk[4 * i + c] * nk + 128;
      out[3 * i + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return out;
}
