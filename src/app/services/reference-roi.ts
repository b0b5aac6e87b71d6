/**
 * Whether a reference is cropped by the inspection region: the ROI is a place in the camera's frame, so
 * it is cut from a reference framed like the gallery's images (the same size); one of another size is
 * used whole, and the note says so (the rule is the core's `referenceRoi`, as in the CLI).
 */
import { type PixelRect, referenceRoi } from '../../core/inspection-region';
import { useApp } from '../state/store';

/** The size of the gallery's frames (its first image with a known size), or null with none yet. */
function galleryFrame(): { width: number; height: number } | null {
  const im = useApp.getState().images.find((x) => x.width !== null && x.height !== null);
  return im ? { width: im.width!, height: im.height! } : null;
}

/**
 * The ROI to crop this reference by (undefined: whole) and a note when the ROI is not applied to it.
 * With no gallery image yet, the reference's own frame stands for the station's.
 */
export async function referenceCrop(
  blob: Blob,
  roi: PixelRect | undefined,
): Promise<{ roi: PixelRect | undefined; note: string | null }> {
  if (!roi) return { roi: undefined, note: null };
  const bitmap = await createImageBitmap(blob);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return referenceRoi(roi, size, galleryFrame() ?? size);
}
