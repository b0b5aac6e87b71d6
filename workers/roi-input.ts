/**
 * The inspection region on the way into the engine: the decoded image is cropped to the ROI before it
 * is encoded (scoring the crop is, by definition, scoring with the ROI), and its features are stored
 * under a key that names the ROI, so the whole image's features and each ROI's never mix.
 */
import { type Box, cropImage, formatBox, roiProblem } from '../src/core/inspection-region';
import type { ScoreOptions } from '../src/core/score-options';
import type { RgbImage } from '../src/core/types';
import { contentHash } from '../src/io/model-identity';
import { decodeImage, decodeWithThumbnail } from './decode';

export function roiOf(options: ScoreOptions | undefined): Box | undefined {
  return options?.inspection?.roi;
}

/** The feature-store key of an image's content under an ROI (the content hash alone without one). */
export function featureHash(contentHash: string, roi: Box | undefined): string {
  return roi ? `${contentHash}@roi=${formatBox(roi)}` : contentHash;
}

/** What the engine encodes for a gallery image: the crop to the ROI (throws roiProblem's message). */
export function imageInput(rgb: RgbImage, roi: Box | undefined): RgbImage {
  return roi ? cropImage(rgb, roi) : rgb;
}

/**
 * What the engine encodes for a reference: cropped by the same ROI when it fits the reference, else
 * the whole reference (a reference of another size than the parts cannot be cut the same way).
 */
export function referenceInput(rgb: RgbImage, roi: Box | undefined): { rgb: RgbImage; roi: Box | undefined } {
  if (!roi || roiProblem(roi, rgb.width, rgb.height)) return { rgb, roi: undefined };
  return { rgb: cropImage(rgb, roi), roi };
}

/**
 * A gallery image decoded for inspection: the thumbnail of the whole frame, the pixels to encode (the
 * crop to the ROI) and, with an ROI, the frame's size. An ROI that does not fit fails with roiProblem's
 * message.
 */
export async function decodeInspected(
  image: Blob,
  name: string,
  thumbSide: number,
  roi: Box | undefined,
): Promise<{ input: RgbImage; thumb: ImageBitmap; frame?: { width: number; height: number } }> {
  const { rgb, thumb } = await decodeWithThumbnail(image, name, thumbSide);
  try {
    const input = imageInput(rgb, roi);
    return roi ? { input, thumb, frame: { width: rgb.width, height: rgb.height } } : { input, thumb };
  } catch (err) {
    thumb.close();
    throw err;
  }
}

/**
 * A reference's feature-store key, the ROI it is cropped to (none when it does not fit) and its pixels
 * on demand. With an ROI it is decoded first: whether the ROI fits decides the key.
 */
export async function referenceSource(
  image: Blob,
  name: string,
  roi: Box | undefined,
): Promise<{ hash: string; roi: Box | undefined; pixels: () => Promise<RgbImage> }> {
  const raw = await contentHash(await image.arrayBuffer());
  if (!roi) return { hash: raw, roi: undefined, pixels: () => decodeImage(image, name) };
  const input = referenceInput(await decodeImage(image, name), roi);
  return { hash: featureHash(raw, input.roi), roi: input.roi, pixels: async () => input.rgb };
}
