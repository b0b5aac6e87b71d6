/**
 * Decoding in the workers, once for every caller: an image file to RGB pixels (orientation-corrected,
 * truncation refused) and, when asked, its gallery thumbnail from the same decode.
 */
import type { RgbImage } from '../src/core/types';
import { thumbnailOf } from '../src/io/decode-browser';
import { decodeWholeImage } from '../src/io/image-precheck';

/** The file's name for messages, or `fallback` for a blob without one. */
export function nameOf(blob: Blob, fallback: string): string {
  return blob instanceof File && blob.name ? blob.name : fallback;
}

/** RGB pixels of `image`, without a thumbnail. */
export async function decodeImage(image: Blob, name: string): Promise<RgbImage> {
  const { rgb, bitmap } = await decodeWholeImage(image, name);
  bitmap.close();
  return rgb;
}

/** RGB pixels of `image` and its thumbnail (longest side <= `thumbSide`), from one decode. */
export async function decodeWithThumbnail(
  image: Blob,
  name: string,
  thumbSide: number,
): Promise<{ rgb: RgbImage; thumb: ImageBitmap }> {
  const { rgb, bitmap } = await decodeWholeImage(image, name);
  try {
    return { rgb, thumb: await thumbnailOf(bitmap, thumbSide) };
  } finally {
    bitmap.close();
  }
}
