/**
 * Where a station looks: an inspection region (ROI, a box in image pixels) and don't-care areas inside it
 * (boxes and polygons whose pixels vary legitimately: a date code, a label). Scoring with an ROI is exactly
 * scoring the image cropped to it, so the crop happens first, before tiling and pre-processing. Don't-care
 * areas are given in image pixels too; the map of a cropped image is in ROI pixels (see toRoiFrame).
 */
import type { RgbImage } from './types';

/** A box in image pixels: integer left, top, width, height. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type DontCareArea =
  | { kind: 'rect'; box: PixelRect }
  | { kind: 'polygon'; points: readonly [number, number][] };

export interface InspectionSetup {
  /** Absent: the whole image is inspected. */
  roi?: PixelRect;
  /** Don't-care areas, in image pixels; empty: every pixel counts. */
  ignore: readonly DontCareArea[];
}

/** A message for a box that is not a box of whole pixels with a positive size. */
export function boxProblem(box: PixelRect): string | null {
  const { x, y, width, height } = box;
  if (![x, y, width, height].every(Number.isInteger)) return `the box ${formatBox(box)} must be whole pixels`;
  if (x < 0 || y < 0) return `the box ${formatBox(box)} starts outside the image (negative x or y)`;
  if (width <= 0 || height <= 0)
    return `the box ${formatBox(box)} has no area (width and height must be > 0)`;
  return null;
}

export function formatBox(b: PixelRect): string {
  return `${b.x},${b.y},${b.width},${b.height}`;
}

/** Why `roi` cannot be applied to an image of this size, or null when it fits. */
export function roiProblem(roi: PixelRect, width: number, height: number): string | null {
  const bad = boxProblem(roi);
  if (bad) return `The inspection region: ${bad}`;
  if (roi.x >= width || roi.y >= height)
    return `The inspection region ${formatBox(roi)} lies outside the ${width}×${height} image`;
  if (roi.x + roi.width > width || roi.y + roi.height > height)
    return `The ${width}×${height} image is smaller than the inspection region ${formatBox(roi)} (it needs at least ${roi.x + roi.width}×${roi.y + roi.height})`;
  return null;
}

/** The image cropped to `roi` (a copy); throws roiProblem's message when it does not fit. */
export function cropImage(image: RgbImage, roi: PixelRect): RgbImage {
  const problem = roiProblem(roi, image.width, image.height);
  if (problem) throw new Error(problem);
  const data = new Uint8Array(roi.width * roi.height * 3);
  const rowBytes = roi.width * 3;
  for (let y = 0; y < roi.height; y++) {
    const from = ((roi.y + y) * image.width + roi.x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: roi.width, height: roi.height, data };
}

/** A don't-care area moved from image pixels into the ROI's frame (the map of the cropped image). */
export function toRoiFrame(area: DontCareArea, roi: PixelRect | undefined): DontCareArea {
  if (!roi) return area;
  if (area.kind === 'rect')
    return { kind: 'rect', box: { ...area.box, x: area.box.x - roi.x, y: area.box.y - roi.y } };
  return {
    kind: 'polygon',
    points: area.points.map(([px, py]) => [px - roi.x, py - roi.y] as [number, number]),
  };
}

/** Whether two optional ROIs are the same box (both absent counts as the same). */
export function sameRoi(a: PixelRect | undefined, b: PixelRect | undefined): boolean {
  if (!a || !b) return a === b;
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** A cache key for features of an image encoded under `roi` (the key itself without one). */
export function roiKey(key: string, roi: PixelRect | undefined): string {
  return roi ? `${key}@roi:${formatBox(roi)}` : key;
}

/**
 * How a reference is cropped for images of `imageSize` under `roi`. The ROI is a place in the camera's
 * frame, so it means the same place on a reference of the same size and is cropped there; a reference of
 * another size was framed differently, so it is used whole and the note says so (for the caller to show).
 */
export function referenceRoi(
  roi: PixelRect | undefined,
  reference: { width: number; height: number },
  imageSize: { width: number; height: number },
): { roi: PixelRect | undefined; note: string | null } {
  if (!roi) return { roi: undefined, note: null };
  if (reference.width === imageSize.width && reference.height === imageSize.height)
    return { roi, note: null };
  return {
    roi: undefined,
    note: `the reference is ${reference.width}×${reference.height}, not ${imageSize.width}×${imageSize.height} like the image, so it is used whole (the inspection region ${formatBox(roi)} is not applied to it)`,
  };
}

/** "x,y,w,h" (whole pixels) → a box; throws a message naming what is wrong. */
export function parseBox(text: string): PixelRect {
  const parts = text.split(',').map((p) => p.trim());
  const nums = parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : Number.NaN));
  if (parts.length !== 4 || nums.some(Number.isNaN))
    throw new Error(`'${text}' is not a box: give x,y,width,height in whole pixels, e.g. 10,20,200,150`);
  const box = { x: nums[0], y: nums[1], width: nums[2], height: nums[3] };
  const problem = boxProblem(box);
  if (problem) throw new Error(problem);
  return box;
}
