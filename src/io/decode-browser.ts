/**
 * Browser image decoding (main thread or worker) to 8-bit RGB with the same semantics as the Node decoder
 * where the platform allows: no ICC colour management, alpha dropped, grey replicated. Unlike the Node
 * decoder, the EXIF orientation is applied, because that is what the user sees in every image viewer.
 * Known limit: canvases store premultiplied alpha, so RGB under partial transparency is approximate.
 * TIFF, which browsers do not decode, goes through the decoder the CLI uses (tiff.ts): its RGB is exact
 * and, as in Pillow, its Orientation tag is not applied.
 */

import { errorText } from '../core/errors';
import type { RgbImage } from '../core/types';
import { checkImageHead } from './image-head-check';
import type { SniffedFormat } from './image-header';
import { decodeTiff } from './tiff';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

export { type SniffedFormat, sniffImageFormat } from './image-header';

/** Enough of the file for every header but a JPEG's with very large metadata ahead of its frame header. */
async function readHead(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer());
}

/** The sniffed format, or ImageDecodeError saying what the file is when it is not an image of ours. */
async function checkedFormat(blob: Blob, name: string): Promise<SniffedFormat> {
  if (blob.size === 0) throw new ImageDecodeError(`${name}: the file is empty`);
  const head = await readHead(blob);
  const checked = checkImageHead(head, name);
  if ('problem' in checked) throw new ImageDecodeError(checked.problem);
  return checked.format;
}

/**
 * Decodes into an ImageBitmap with EXIF orientation applied and no colour conversion. Throws
 * ImageDecodeError with a message that says what the file is when it is not a decodable image.
 */
export async function decodeToBitmap(blob: Blob, name: string): Promise<ImageBitmap> {
  const format = await checkedFormat(blob, name);
  if (format === 'tiff') return rgbToBitmap(await decodeTiffBlob(blob, name));
  try {
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch {
    throw new ImageDecodeError(`${name}: corrupt or truncated ${format.toUpperCase()} data`);
  }
}

/** TIFF bytes → RGB, with the decoder's one-line refusals as ImageDecodeError (shown as they are). */
async function decodeTiffBlob(blob: Blob, name: string): Promise<RgbImage> {
  try {
    return await decodeTiff(new Uint8Array(await blob.arrayBuffer()), name);
  } catch (err) {
    throw new ImageDecodeError(errorText(err));
  }
}

/** An opaque bitmap of RGB pixels (thumbnails and the detail view of images decoded by our own code). */
async function rgbToBitmap(rgb: RgbImage): Promise<ImageBitmap> {
  const n = rgb.width * rgb.height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    rgba[j] = rgb.data[i * 3];
    rgba[j + 1] = rgb.data[i * 3 + 1];
    rgba[j + 2] = rgb.data[i * 3 + 2];
    rgba[j + 3] = 255;
  }
  return createImageBitmap(new ImageData(rgba, rgb.width, rgb.height));
}

function context2d(width: number, height: number): OffscreenCanvasRenderingContext2D {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, alpha: true });
  if (!ctx) throw new Error('2D canvas unavailable');
  return ctx;
}

/** Reads an ImageBitmap's pixels as interleaved 8-bit RGB (alpha dropped). */
function bitmapToRgb(bitmap: ImageBitmap): RgbImage {
  const { width, height } = bitmap;
  const ctx = context2d(width, height);
  ctx.drawImage(bitmap, 0, 0);
  let rgba: Uint8ClampedArray;
  try {
    rgba = ctx.getImageData(0, 0, width, height).data;
  } catch (err) {
    throw new ImageDecodeError(`image of ${width}×${height} is too large to read (${errorText(err)})`);
  }
  const n = width * height;
  const data = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    data[i * 3] = rgba[j];
    data[i * 3 + 1] = rgba[j + 1];
    data[i * 3 + 2] = rgba[j + 2];
  }
  return { width, height, data };
}

/** Decodes a file into RGB pixels (EXIF orientation applied). */
export async function decodeImageBlob(
  blob: Blob,
  name: string,
): Promise<{ rgb: RgbImage; bitmap: ImageBitmap }> {
  if ((await checkedFormat(blob, name)) === 'tiff') {
    // The decoder's own RGB, not read back from a canvas.
    const rgb = await decodeTiffBlob(blob, name);
    return { rgb, bitmap: await rgbToBitmap(rgb) };
  }
  const bitmap = await decodeToBitmap(blob, name);
  return { rgb: bitmapToRgb(bitmap), bitmap };
}

/** A downscaled copy whose longest side is at most `maxSide` (never upscaled). */
export async function thumbnailOf(bitmap: ImageBitmap, maxSide: number): Promise<ImageBitmap> {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  return createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
}
