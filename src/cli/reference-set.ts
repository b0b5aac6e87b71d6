/**
 * `score`'s reference shots under an inspection region. Without one, each reference goes into the bank
 * once, whole, as before. With one, a reference is cropped by the ROI when it has the scored image's size
 * and used whole otherwise (src/core/inspection-region.ts referenceRoi), so the bank is matched to each
 * image's size; features stay cached per (reference, crop), so switching back and forth re-encodes nothing.
 */
import { type PixelRect, referenceRoi, roiKey } from '../core/inspection-region';
import type { RgbImage } from '../core/types';
import type { WinclipEngine } from '../engine/engine';

interface Reference {
  key: string;
  name: string;
  image: RgbImage;
}

export class ReferenceSet {
  private readonly refs: Reference[] = [];
  private readonly noted = new Set<string>();

  constructor(
    private readonly engine: WinclipEngine,
    private readonly roi: PixelRect | undefined,
    private readonly quiet: boolean,
  ) {}

  async add(key: string, name: string, image: RgbImage): Promise<void> {
    if (!this.roi) await this.engine.addReference(key, image);
    else this.refs.push({ key, name, image });
  }

  /** With an ROI: puts in the bank each reference as an image of `size` needs it; `note` hears why one is whole. */
  async matchImage(size: { width: number; height: number }, note: (line: string) => void): Promise<void> {
    if (!this.roi || this.refs.length === 0) return;
    const wanted = this.refs.map((ref) => {
      const d = referenceRoi(this.roi, ref.image, size);
      return { ref, roi: d.roi, note: d.note, key: roiKey(ref.key, d.roi) };
    });
    const have = new Set(this.engine.referenceKeys());
    if (wanted.length === have.size && wanted.every((w) => have.has(w.key))) return;
    this.engine.clearReferences();
    for (const w of wanted) {
      // Once per reference and image size: the note names both.
      const seen = `${w.key} ${size.width}×${size.height}`;
      if (w.note && !this.quiet && !this.noted.has(seen)) {
        this.noted.add(seen);
        note(`winclip: note: ${w.ref.name}: ${w.note}\n`);
      }
      await this.engine.addReference(w.key, w.ref.image, w.roi);
    }
  }
}
