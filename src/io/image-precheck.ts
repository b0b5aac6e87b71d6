/**
 * Checks on image files beyond what the decoder sees. Before a file is queued (gallery, reference
 * bank): empty, not an image, a refused format, too many pixels for the header's size, each with the
 * one-line message the decoder would give, so it is refused at the drop. After decoding: whether the
 * file was cut short, since browsers decode a truncated JPEG (and some others) without complaint and
 * the missing part would be scored as grey.
 */
import type { RgbImage } from '../core/types';
import { decodeImageBlob, decodeToBitmap, ImageDecodeError } from './decode-browser';
import { checkImageHead } from './image-head-check';
import { type SniffedFormat, sniffImageFormat } from './image-header';
import { tiffLayoutProblem } from './tiff';

/** Bytes read from the start (headers, JPEG metadata) and from the end (end markers). */
const HEAD_BYTES = 256 * 1024;
const TAIL_BYTES = 64 * 1024;

function indexOf(hay: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const IEND = [0x49, 0x45, 0x4e, 0x44];
const JPEG_EOI = [0xff, 0xd9];

/**
 * Whether the file is cut short, from its own structure: PNG ends with an IEND chunk, JPEG with an
 * end-of-image marker (searched in the last 64 KiB, since cameras may append trailers after it), and
 * WebP and BMP state their file size in the header.
 */
export function truncationProblem(
  format: SniffedFormat,
  head: Uint8Array,
  tail: Uint8Array,
  size: number,
): string | null {
  const declared = (bytes: number) =>
    bytes > size ? `the file has ${size} of the ${bytes} bytes its header declares` : null;
  switch (format) {
    case 'png':
      return indexOf(tail, IEND) < 0 ? 'the file ends before its IEND chunk' : null;
    case 'jpeg':
      return indexOf(tail, JPEG_EOI) < 0 ? 'the file ends before its end-of-image marker' : null;
    case 'webp':
      return head.length >= 8
        ? declared(new DataView(head.buffer, head.byteOffset).getUint32(4, true) + 8)
        : null;
    case 'bmp': {
      if (head.length < 6) return null;
      const stated = new DataView(head.buffer, head.byteOffset).getUint32(2, true);
      // Some writers leave the size field 0; only a stated size can be checked.
      return stated > 0 ? declared(stated) : null;
    }
    default:
      return null;
  }
}

/** Why `blob` cannot be inspected, from its header, as one line naming the file, or null. */
export async function imageProblem(blob: Blob, name: string): Promise<string | null> {
  if (blob.size === 0) return `${name}: the file is empty`;
  const head = new Uint8Array(await blob.slice(0, HEAD_BYTES).arrayBuffer());
  const checked = checkImageHead(head, name);
  if ('problem' in checked) return checked.problem;
  return checked.format === 'tiff' ? tiffLayoutProblem(head, name) : null;
}

async function truncationOf(blob: Blob): Promise<string | null> {
  const head = new Uint8Array(await blob.slice(0, 64).arrayBuffer());
  const format = sniffImageFormat(head);
  if (!format) return null;
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - TAIL_BYTES)).arrayBuffer());
  return truncationProblem(format, head, tail, blob.size);
}

/** Whether `blob` (a supported image) is cut short, as one line naming the file, or null. */
export async function truncatedImageProblem(blob: Blob, name: string): Promise<string | null> {
  const cut = await truncationOf(blob);
  if (!cut) return null;
  const format = sniffImageFormat(new Uint8Array(await blob.slice(0, 16).arrayBuffer()));
  return `${name}: truncated ${format?.toUpperCase()} (${cut}); copy or export it again`;
}

/** Decodes like decodeToBitmap, with the same truncation checks as decodeWholeImage. */
export async function decodeWholeBitmap(blob: Blob, name: string): Promise<ImageBitmap> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await decodeToBitmap(blob, name);
  } catch (err) {
    const cut = err instanceof ImageDecodeError ? await truncationOf(blob) : null;
    throw cut ? new ImageDecodeError(`${(err as Error).message} (${cut})`) : err;
  }
  const cut = await truncatedImageProblem(blob, name);
  if (cut) {
    bitmap.close();
    throw new ImageDecodeError(cut);
  }
  return bitmap;
}

/**
 * Decodes like decodeImageBlob, and refuses a file the browser decoded although it is cut short (a
 * file it could not decode at all keeps the decoder's "corrupt or truncated" message).
 */
export async function decodeWholeImage(
  blob: Blob,
  name: string,
): Promise<{ rgb: RgbImage; bitmap: ImageBitmap }> {
  let decoded: { rgb: RgbImage; bitmap: ImageBitmap };
  try {
    decoded = await decodeImageBlob(blob, name);
  } catch (err) {
    // Undecodable: when the file is also cut short, say where it ends.
    const cut = err instanceof ImageDecodeError ? await truncationOf(blob) : null;
    throw cut ? new ImageDecodeError(`${(err as Error).message} (${cut})`) : err;
  }
  const cut = await truncatedImageProblem(blob, name);
  if (cut) {
    decoded.bitmap.close();
    throw new ImageDecodeError(cut);
  }
  return decoded;
}
