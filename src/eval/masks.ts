/** Ground-truth masks: decoding (binary, or grey for MuSc), nearest-neighbour resizing, and the evaluation resolution. */
import sharp, { type OutputInfo } from 'sharp';
import { errorText } from '../core/errors';
import { type MaskRegions, maskRegions } from '../core/metrics';
import type { GreyImage } from '../core/resize-grey';

export interface BinaryMask {
  width: number;
  height: number;
  /** 1 = anomalous, 0 = normal. */
  data: Uint8Array;
}

/** The mask file's raw 8-bit channels; a file that does not decode names itself. */
async function decodeMask(path: string): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    return await sharp(path, { failOn: 'error' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new Error(`mask ${path}: ${errorText(err)}`);
  }
}

/**
 * Decodes a mask image; a pixel is anomalous when any colour channel is non-zero. That covers
 * MVTec-AD (0/255 greyscale), VisA (small class indices) and palette PNGs; alpha is ignored.
 */
export async function readMask(path: string): Promise<BinaryMask> {
  const out = await decodeMask(path);
  const { width, height, channels } = out.info;
  const colour = channels === 2 || channels === 4 ? channels - 1 : channels;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const o = i * channels;
    for (let c = 0; c < colour; c++) {
      if (out.data[o + c] !== 0) {
        data[i] = 1;
        break;
      }
    }
  }
  return { width, height, data };
}

/** Nearest-neighbour resize with pixel-centre sampling (Pillow's NEAREST): src = floor((d + 0.5)·in/out). */
export function resizeMaskNearest(mask: BinaryMask, width: number, height: number): BinaryMask {
  if (mask.width === width && mask.height === height) return mask;
  const data = new Uint8Array(width * height);
  const sx = mask.width / width;
  const sy = mask.height / height;
  const cols = new Int32Array(width);
  for (let x = 0; x < width; x++) cols[x] = Math.min(mask.width - 1, Math.floor((x + 0.5) * sx));
  for (let y = 0; y < height; y++) {
    const row = Math.min(mask.height - 1, Math.floor((y + 0.5) * sy)) * mask.width;
    for (let x = 0; x < width; x++) data[y * width + x] = mask.data[row + cols[x]];
  }
  return { width, height, data };
}

/**
 * Evaluation size of an image of width×height: unchanged without `pixelSize`; otherwise the shorter edge
 * becomes pixelSize and the longer one scales with it (truncated, as torchvision's Resize(int)).
 */
export function evalSize(
  width: number,
  height: number,
  pixelSize?: number,
): { width: number; height: number } {
  if (!pixelSize) return { width, height };
  if (width <= height)
    return { width: pixelSize, height: Math.max(1, Math.trunc((pixelSize * height) / width)) };
  return { width: Math.max(1, Math.trunc((pixelSize * width) / height)), height: pixelSize };
}

/** Reads a mask and turns it into the sparse region form the pixel metrics use, at the evaluation size. */
export async function loadTruth(path: string, pixelSize?: number): Promise<MaskRegions> {
  const mask = await readMask(path);
  const size = evalSize(mask.width, mask.height, pixelSize);
  const m = resizeMaskNearest(mask, size.width, size.height);
  return maskRegions(m.data, m.width, m.height);
}

/**
 * Decodes a mask to 8-bit grey as Pillow's convert('L') does (grey kept, colour by ITU-R 601-2 luma in
 * Pillow's fixed point, alpha ignored): the input of MuSc's mask resize.
 */
export async function readGreyMask(path: string): Promise<GreyImage> {
  const out = await decodeMask(path);
  const { width, height, channels } = out.info;
  const src = out.data;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const o = i * channels;
    data[i] =
      channels >= 3 ? (src[o] * 19595 + src[o + 1] * 38470 + src[o + 2] * 7471 + 0x8000) >>> 16 : src[o];
  }
  return { width, height, data };
}
