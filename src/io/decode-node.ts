/**
 * Node image decoding to 8-bit RGB with Pillow's convert('RGB') semantics: greyscale replicated, alpha dropped
 * (no premultiplication), 16-bit reduced to the high byte, no EXIF rotation and no ICC colour management.
 * CMYK JPEGs are converted with Pillow's own formula (not an ICC transform), BMPs and TIFFs by decoders
 * shared with the app (bmp.ts, tiff.ts); SVG is refused, like the app does; images over MAX_IMAGE_PIXELS
 * are refused from the header.
 * Known difference: Pillow clips 16-bit greyscale values above 255 to 255; here they are scaled like 16-bit RGB.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { errorText } from '../core/errors';
import type { RgbImage } from '../core/types';
import { decodeBmp } from './bmp';
import { cmykToRgb } from './cmyk';
import {
  MAX_IMAGE_PIXELS,
  pixelLimitProblem,
  readImageHeader,
  SUPPORTED_FORMATS_TEXT,
  sniffImageFormat,
  unsupportedFormat,
} from './image-header';
import { decodeTiff } from './tiff';

function open(bytes: Uint8Array) {
  return sharp(bytes, {
    // Reject truncated or corrupt pixel data, but not mere warnings (e.g. libpng's sRGB profile notices).
    failOn: 'error',
    autoOrient: false,
    ignoreIcc: true,
    limitInputPixels: MAX_IMAGE_PIXELS,
  });
}

function toRgb(bytes: Uint8Array) {
  return open(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
}

function isNotAnImage(message: string): boolean {
  return /unsupported image format|is empty/i.test(message);
}

/** The decoder's own reason, first line only, for the end of a "corrupt" message. */
function reason(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
  return line ? ` (${line.length > 160 ? `${line.slice(0, 157)}...` : line})` : '';
}

/**
 * CMYK JPEG: libvips inverts every 4-component JPEG's samples as Pillow does (Adobe convention, marker or
 * not; tested both ways), so its raw CMYK is Pillow's, and Pillow's formula gives Pillow's RGB.
 */
async function cmykJpegToRgb(bytes: Uint8Array): Promise<RgbImage> {
  const { data, info } = await open(bytes)
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 4) throw new Error(`CMYK JPEG decoded to ${info.channels} channels`);
  return { width: info.width, height: info.height, data: cmykToRgb(data) };
}

/**
 * Decodes encoded image bytes (PNG, JPEG, WebP, GIF's first frame, AVIF, BMP, TIFF's first page); `name`
 * labels error messages.
 */
export async function decodeImageBytes(bytes: Uint8Array, name = 'image'): Promise<RgbImage> {
  if (bytes.length === 0) throw new Error(`${name}: not an image (unsupported or unknown format)`);
  const refused = unsupportedFormat(bytes);
  if (refused) throw new Error(`${name}: ${refused}; use ${SUPPORTED_FORMATS_TEXT}`);
  const format = sniffImageFormat(bytes);
  if (!format) throw new Error(`${name}: not an image (unsupported or unknown format)`);
  const header = readImageHeader(bytes.subarray(0, 256 * 1024));
  const tooBig = header && pixelLimitProblem(name, header.width, header.height);
  if (tooBig) throw new Error(tooBig);
  if (format === 'bmp') return decodeBmp(bytes, name);
  if (format === 'tiff') return decodeTiff(bytes, name);
  let decoded: Awaited<ReturnType<typeof toRgb>>;
  try {
    if (header?.format === 'jpeg' && header.components === 4) return await cmykJpegToRgb(bytes);
    decoded = await toRgb(bytes);
  } catch (err) {
    const message = errorText(err);
    if (isNotAnImage(message)) throw new Error(`${name}: not an image (unsupported or unknown format)`);
    if (/pixel limit/i.test(message))
      throw new Error(`${name}: over the limit of ${MAX_IMAGE_PIXELS} pixels${reason(err)}`);
    throw new Error(`${name}: corrupt or truncated image data${reason(err)}`, { cause: err });
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

/** Reads and decodes an image file; error messages name the path as given. */
export async function decodeImageFile(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? errorText(err)})`);
  }
  return decodeImageBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
