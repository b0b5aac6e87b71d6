/**
 * Lot mode's one control (a switch in the toolbar) and its plain-words note under the toolbar: what a
 * lot score means, and how many more images the lot needs before anything can be scored.
 */
import { useShallow } from 'zustand/react/shallow';
import { setLotMode } from '../../services/lot-mode';
import { useApp } from '../../state/store';
import type { LotStatus } from '../../state/types';

/** 'Lot mode needs 5 images — 2 more' while the lot is too small, else null. */
export function lotWaitText(lot: LotStatus): string | null {
  return lot.ready || lot.more <= 0 ? null : `Lot mode needs ${lot.need} images — ${lot.more} more`;
}

export function LotModeSwitch() {
  const on = useApp((s) => s.settings.lotMode);
  return (
    <label
      className="inline-field lot-switch"
      title="Score the gallery's images against each other (MuSc) instead of against the prompts"
    >
      <input
        type="checkbox"
        role="switch"
        checked={on}
        aria-checked={on}
        data-testid="lot-mode-switch"
        onChange={(e) => void setLotMode(e.target.checked)}
      />
      Lot mode
    </label>
  );
}

export function LotNote() {
  const { on, lot } = useApp(useShallow((s) => ({ on: s.settings.lotMode, lot: s.lot })));
  if (!on) return null;
  const wait = lotWaitText(lot);
  return (
    <section className="lot-note" aria-label="Lot mode" data-testid="lot-note">
      <p>
        Lot mode scores every image in this gallery against the others, with no prompts and no references. A
        score says how unlike the rest of this lot an image is, so a defect that a large part of the lot
        shares looks normal; it needs at least {lot.need} images.
      </p>
      <p className="lot-note-status" data-testid="lot-status">
        {wait ??
          `N = ${lot.n}: the image threshold applies to each image's highest map value; the lot rank (0 to 1) compares it only with this lot.`}
      </p>
    </section>
  );
}
