/**
 * Object names that fill "[o]" in the prompts (paper appendix A: "the object name words available for
 * both MVTec-AD and VisA"), and display names for the tables. Unknown categories fall back to the folder
 * name with underscores as spaces; `--object-names` overrides either.
 */
import type { DatasetKind } from './datasets/types';

const MVTEC: Record<string, string> = {
  bottle: 'bottle',
  cable: 'cable',
  capsule: 'capsule',
  carpet: 'carpet',
  grid: 'grid',
  hazelnut: 'hazelnut',
  leather: 'leather',
  metal_nut: 'metal nut',
  pill: 'pill',
  screw: 'screw',
  tile: 'tile',
  toothbrush: 'toothbrush',
  transistor: 'transistor',
  wood: 'wood',
  zipper: 'zipper',
};

const VISA: Record<string, string> = {
  candle: 'candle',
  capsules: 'capsules',
  cashew: 'cashew',
  chewinggum: 'chewing gum',
  fryum: 'fryum',
  macaroni1: 'macaroni',
  macaroni2: 'macaroni',
  pcb1: 'printed circuit board',
  pcb2: 'printed circuit board',
  pcb3: 'printed circuit board',
  pcb4: 'printed circuit board',
  pipe_fryum: 'pipe fryum',
};

function defaultObjectName(dataset: DatasetKind, category: string): string {
  const table = dataset === 'visa' ? VISA : MVTEC;
  return table[category] ?? category.replace(/_/g, ' ');
}

export function objectNameFor(
  dataset: DatasetKind,
  category: string,
  overrides: Record<string, string> = {},
): string {
  return overrides[category] ?? defaultObjectName(dataset, category);
}

export function parseObjectNamesFile(raw: unknown, source: string): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`--object-names ${source}: expected {"<category>": "<object name>"}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string' || v.trim() === '')
      throw new Error(`--object-names ${source}: "${k}" needs a non-empty string`);
    out[k] = v;
  }
  return out;
}

/** Row label as in the paper's tables: "Metal nut", "Pipe fryum", "PCB1". */
export function displayName(category: string): string {
  if (/^pcb\d*$/i.test(category)) return category.toUpperCase();
  const s = category.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
