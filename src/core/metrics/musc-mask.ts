/**
 * Ground truth as MuSc's evaluation sees it (METHOD-musc.md §12): the 8-bit mask goes through torchvision's
 * Resize((S, S)) on the PIL image, i.e. Pillow's antialiased BILINEAR, then ToTensor (÷255). The MVTec AD
 * reader keeps it as float and the evaluation casts it with `astype(np.int32)`, which truncates: only pixels
 * exactly 255 after the resize stay anomalous. The VisA reader (datasets/visa.py) instead takes `> 0` of the
 * resized mask: any non-zero pixel is anomalous. Normal images have an all-zero mask.
 */
import { type GreyImage, resizeBilinearGrey } from '../resize-grey';

/** Which binarisation the official reader of the dataset applies after the resize. */
export type MuscMaskRule = 'truncate' | 'nonzero';

/** The S×S binary mask (1 = anomalous) of an 8-bit grey mask under `rule`. */
export function muscMask(mask: GreyImage, size: number, rule: MuscMaskRule): Uint8Array {
  const resized = resizeBilinearGrey(mask, size, size).data;
  const out = new Uint8Array(size * size);
  for (let i = 0; i < out.length; i++)
    out[i] = rule === 'truncate' ? (resized[i] === 255 ? 1 : 0) : resized[i] > 0 ? 1 : 0;
  return out;
}
