/**
 * Node image decoding to 8-bit RGB with Pillow's convert('RGB') semantics: greyscale replicated, alpha dropped
 * (no premultiplication), 16-bit reduced to the high byte, no EXIF rotation and no ICC colour management.
 * Known difference: Pillow clips 16-bit greyscale values above 255 to 255; here they are scaled like 16-bit RGB.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp from 'sharp';
import { errorText } from '../core/errors';
import type { RgbImage } from '../core/types';

function toRgb(bytes: Uint8Array) {
  return sharp(bytes, {
    // Reject truncated or corrupt pixel data, but not mere warnings (e.g. libpng's sRGB profile notices).
    failOn: 'error',
    autoOrient: false,
    ignoreIcc: true,
  })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
}

function isNotAnImage(message: string): boolean {
  return /unsupported image format|is empty/i.test(message);
}

/** Decodes encoded image bytes (PNG, JPEG, WebP, GIF, TIFF, …); `name` labels error messages. */
export async function decodeImageBytes(bytes: Uint8Array, name = 'image'): Promise<RgbImage> {
  if (bytes.length === 0) throw new Error(`${name}: not an image (unsupported or unknown format)`);
  let decoded: Awaited<ReturnType<typeof toRgb>>;
  try {
    decoded = await toRgb(bytes);
  } catch (err) {
    const message = errorText(err);
    if (isNotAnImage(message)) throw new Error(`${name}: not an image (unsupported or unknown format)`);
    throw new Error(`${name}: corrupt or truncated image data`, { cause: err });
  }
  const { width, height, channels } = decoded.info;
  const src = decoded.data;
  if (channels === 3)
    return { width, height, data: new Uint8Array(src.buffer, src.byteOffset, src.byteLength) };
  if (channels === 1) {
    // Defensive: replicate a single grey band if the colourspace conversion left one.
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = src[i];
    return { width, height, data };
  }
  throw new Error(`${name}: unsupported channel layout (${channels} channels after conversion to RGB)`);
}

/** Reads and decodes an image file; error messages name the file. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  const bytes = await readFile(path);
  return decodeImageBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), basename(path));
}
