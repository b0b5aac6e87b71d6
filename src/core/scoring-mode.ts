/**
 * The scoring mode: which kind of comparison an image's score comes from. Scores of different modes
 * (and of few-shot banks of different K) live on different scales, so thresholds, recipes, exports
 * and the UI all key on it. Everything that asks "which mode" goes through this module.
 *
 * Adding a mode (e.g. `{ kind: 'lot'; n: number }`, a batch scored against itself) is one member of
 * `ScoringMode`, one entry in `MODE_KINDS`, and the cases the compiler then asks for in the switches
 * below (each ends in `never`, so a missing case does not type-check).
 */

/**
 * Zero-shot: from the prompts alone. Few-shot: also against `k` (≥ 1) good reference images. Lot
 * (MuSc): each image of an unlabeled lot of `n` images against the others, no prompts, no references;
 * `n` is 0 where the lot size is not known (a mode read back from a threshold key or a recipe).
 */
export type ScoringMode =
  | { kind: 'zero-shot' }
  | { kind: 'few-shot'; k: number }
  | { kind: 'lot'; n: number };

/** What recipes store thresholds under and what a result records: the mode without its size. */
export type ModeKind = ScoringMode['kind'];

/** Every kind, for validating stored data (a Record, so a new kind cannot be forgotten here). */
const KINDS: Record<ModeKind, true> = { 'zero-shot': true, 'few-shot': true, lot: true };
export const MODE_KINDS = Object.keys(KINDS) as ModeKind[];

export const ZERO_SHOT: ScoringMode = { kind: 'zero-shot' };

export function isModeKind(v: unknown): v is ModeKind {
  return typeof v === 'string' && Object.hasOwn(KINDS, v);
}

function unhandled(mode: never): never {
  throw new Error(`unknown scoring mode ${JSON.stringify(mode)}`);
}

/** The mode new scores are computed in: few-shot with K ready references, zero-shot with none. */
export function modeOf(state: { readyReferences: number }): ScoringMode {
  const k = state.readyReferences;
  return k > 0 ? { kind: 'few-shot', k } : ZERO_SHOT;
}

/** The mode a result was scored in, from what it records (its kind and the bank size it saw). */
export function modeOfResult(result: { mode: ModeKind; bank: number }): ScoringMode {
  switch (result.mode) {
    case 'zero-shot':
      return ZERO_SHOT;
    case 'few-shot':
      // A few-shot result with an empty bank is zero-shot arithmetic (and always was keyed so).
      return modeOf({ readyReferences: result.bank });
    case 'lot':
      // A lot result records its lot's size as its bank.
      return { kind: 'lot', n: result.bank };
    default:
      return unhandled(result.mode);
  }
}

/** Reference shots the mode compares against (0 for zero-shot and for a lot, which has no references). */
export function referenceCount(mode: ScoringMode): number {
  switch (mode.kind) {
    case 'zero-shot':
    case 'lot':
      return 0;
    case 'few-shot':
      return mode.k;
    default:
      return unhandled(mode);
  }
}

/**
 * The key thresholds are stored under ('zero-shot', 'few-shot:3', 'lot'): these exact strings are in
 * saved sessions, the app's threshold table and results files, so they must never change.
 *
 * A lot's thresholds are one key for every lot size, and its image threshold applies to the max score
 * before RsCIN (`max_score`), not to the final RsCIN score: RsCIN min-max normalises within the lot, so
 * its 0 and 1 are the lot's least and most anomalous images whatever they look like, and a threshold on
 * it would mean something else in the next lot. The map max is the interval mean of distances to the
 * lot's nearest images, on the same scale from lot to lot (for the same model and lot settings).
 */
export function thresholdKey(mode: ScoringMode): string {
  switch (mode.kind) {
    case 'zero-shot':
      return 'zero-shot';
    case 'few-shot':
      return `few-shot:${mode.k}`;
    case 'lot':
      return 'lot';
    default:
      return unhandled(mode);
  }
}

/** The mode a threshold key names, or null when it names none (e.g. stored by a newer build). */
export function parseThresholdKey(key: string): ScoringMode | null {
  if (key === 'zero-shot') return ZERO_SHOT;
  if (key === 'lot') return { kind: 'lot', n: 0 };
  const few = /^few-shot:([1-9][0-9]*)$/.exec(key);
  return few ? { kind: 'few-shot', k: Number(few[1]) } : null;
}

/** The mode as a recipe files thresholds under: its kind (the recipe's own bank gives K). */
export function recipeModeOf(mode: ScoringMode): ModeKind {
  return mode.kind;
}

/** The mode thresholds filed in a recipe under `kind` apply to, given the recipe's reference count. */
export function modeOfRecipeEntry(kind: ModeKind, references: number): ScoringMode {
  switch (kind) {
    case 'zero-shot':
      return ZERO_SHOT;
    case 'few-shot':
      return modeOf({ readyReferences: references });
    case 'lot':
      return { kind: 'lot', n: 0 };
    default:
      return unhandled(kind);
  }
}

/** 'Zero-shot', 'Few-shot · K=3', 'Lot · N=40' ('Lot' when the size is not known). */
export function modeLabel(mode: ScoringMode): string {
  switch (mode.kind) {
    case 'zero-shot':
      return 'Zero-shot';
    case 'few-shot':
      return `Few-shot · K=${mode.k}`;
    case 'lot':
      return mode.n > 0 ? `Lot · N=${mode.n}` : 'Lot';
    default:
      return unhandled(mode);
  }
}

/** Compact label for cards: 'ZS', 'FS3', 'LOT'. */
export function modeShortLabel(mode: ScoringMode): string {
  switch (mode.kind) {
    case 'zero-shot':
      return 'ZS';
    case 'few-shot':
      return `FS${mode.k}`;
    case 'lot':
      return 'LOT';
    default:
      return unhandled(mode);
  }
}

/** One sentence on how the mode scores (tooltips and the detail view). */
export function modeDescription(mode: ScoringMode): string {
  switch (mode.kind) {
    case 'zero-shot':
      return 'Zero-shot (WinCLIP): scored from the prompts alone';
    case 'few-shot':
      return `Few-shot (WinCLIP+), scored against K=${mode.k} reference images`;
    case 'lot':
      return mode.n > 0
        ? `Lot (MuSc), each image scored against the other ${mode.n - 1} images of its lot`
        : 'Lot (MuSc), each image scored against the other images of its lot';
    default:
      return unhandled(mode);
  }
}
