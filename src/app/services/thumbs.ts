/** Thumbnails made on the UI thread (decoding itself runs off-thread in the browser). */
import { thumbnailOf } from '../../io/decode-browser';
import { decodeWholeBitmap } from '../../io/image-precheck';

export async function makeThumbnail(blob: Blob, name: string, maxSide: number): Promise<ImageBitmap> {
  const bitmap = await decodeWholeBitmap(blob, name);
  try {
    return await thumbnailOf(bitmap, maxSide);
  } finally {
    bitmap.close();
  }
}
