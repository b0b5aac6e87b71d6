/** Thumbnails made on the UI thread (decoding itself runs off-thread in the browser). */
import { decodeToBitmap, thumbnailOf } from '../../io/decode-browser';

export async function makeThumbnail(blob: Blob, name: string, maxSide: number): Promise<ImageBitmap> {
  const bitmap = await decodeToBitmap(blob, name);
  try {
    return await thumbnailOf(bitmap, maxSide);
  } finally {
    bitmap.close();
  }
}
