/** The gallery's filter by OK/NG mark (the calibration store's labels, keyed by `labelKey`). */
import type { Label } from '../../core/label-metrics';
import { labelOf } from './calibration';
import type { InspectedImage } from './types';

/** 'all' shows every image, 'OK' / 'NG' those marked so, 'unmarked' those with no mark. */
export type LabelFilter = 'all' | Label | 'unmarked';

export interface LabelCounts {
  OK: number;
  NG: number;
  unmarked: number;
}

export function matchesLabel(label: Label | null, filter: LabelFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'unmarked') return label === null;
  return label === filter;
}

/** The images that pass the mark filter, in their order. */
export function withLabel(
  images: InspectedImage[],
  labels: Record<string, Label>,
  filter: LabelFilter,
): InspectedImage[] {
  if (filter === 'all') return images;
  return images.filter((im) => matchesLabel(labelOf(labels, im), filter));
}

export function countLabels(images: InspectedImage[], labels: Record<string, Label>): LabelCounts {
  const c: LabelCounts = { OK: 0, NG: 0, unmarked: 0 };
  for (const im of images) c[labelOf(labels, im) ?? 'unmarked']++;
  return c;
}
