/**
 * The lot mode's settings (MuSc, ../shared/docs/METHOD-musc.md §0), in one place like
 * `method-settings.ts`: the engine, the CLI and the evaluator start from these defaults and check
 * overrides here, so a bad value gets the same message everywhere.
 */
import { minLotForInterval } from './msm';

/** LNAMD aggregation degrees r (odd: the zero padding (r−1)/2 keeps the grid only for odd r). */
const MUSC_R_LIST: readonly number[] = Object.freeze([1, 3, 5]);
/** MSM interval [lo, hi): the mean of the sorted nearest distances between ranks (N−1)·lo and (N−1)·hi. */
const MUSC_INTERVAL: readonly [number, number] = Object.freeze([0, 0.3]) as readonly [number, number];
/** RsCIN neighbourhood sizes for MVTec AD and anything else (musc.py:242-248). */
const RSCIN_K_DEFAULT: readonly number[] = Object.freeze([1, 2, 3]);
/** RsCIN neighbourhood sizes the official code uses for VisA: a preset, picked by the evaluator. */
export const RSCIN_K_VISA: readonly number[] = Object.freeze([1, 8, 9]);

export interface MuscSettings {
  /** 0-based block indices whose outputs are used, ascending. */
  layers: readonly number[];
  /** Input side S in pixels; a multiple of the patch size. */
  size: number;
  rList: readonly number[];
  interval: readonly [number, number];
  rscinK: readonly number[];
}

/** What the defaults and the checks need to know about the model. */
export interface MuscModelShape {
  /** Number of vision blocks L. */
  blocks: number;
  /** The model's own input side. */
  imageSize: number;
  patchSize: number;
}

/**
 * The quarter points L/4−1, L/2−1, 3L/4−1, L−1 (0-based), as MuSc's [5, 11, 17, 23] for 24 blocks;
 * [2, 5, 8, 11] for 12. For fewer than 4 blocks the points collapse (clamped at 0, duplicates dropped):
 * [0, 1] for 2 blocks.
 */
function defaultMuscLayers(blocks: number): number[] {
  const points = [1, 2, 3, 4].map((q) => Math.max(0, Math.floor((blocks * q) / 4) - 1));
  return [...new Set(points)];
}

export function defaultMuscSettings(model: MuscModelShape): MuscSettings {
  return {
    layers: defaultMuscLayers(model.blocks),
    size: model.imageSize,
    rList: [...MUSC_R_LIST],
    interval: [MUSC_INTERVAL[0], MUSC_INTERVAL[1]],
    rscinK: [...RSCIN_K_DEFAULT],
  };
}

function fail(what: string): never {
  throw new Error(`lot mode settings: ${what}`);
}

function distinctIntegers(
  name: string,
  xs: readonly number[],
  ok: (x: number) => boolean,
  rule: string,
): void {
  if (xs.length === 0) fail(`${name} must not be empty`);
  if (xs.some((x) => !Number.isInteger(x) || !ok(x)) || new Set(xs).size !== xs.length)
    fail(`${name} must be distinct ${rule}, got [${xs.join(', ')}]`);
}

/** The defaults for `model` with `overrides` applied (an undefined entry keeps its default), checked. */
export function muscSettings(model: MuscModelShape, overrides: Partial<MuscSettings> = {}): MuscSettings {
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined);
  const s: MuscSettings = { ...defaultMuscSettings(model), ...Object.fromEntries(given) };
  const last = model.blocks - 1;
  distinctIntegers('layers', s.layers, (l) => l >= 0 && l <= last, `integers from 0 to ${last}`);
  const p = model.patchSize;
  if (!Number.isInteger(s.size) || s.size < p || s.size % p !== 0)
    fail(`size must be a positive multiple of the patch size ${p}, got ${s.size}`);
  distinctIntegers('r list', s.rList, (r) => r >= 1 && r % 2 === 1, 'odd integers ≥ 1');
  const [lo, hi] = s.interval;
  if (s.interval.length !== 2 || !(lo >= 0 && lo < hi && hi <= 1))
    fail(`interval must be two numbers 0 ≤ lo < hi ≤ 1, got [${s.interval.join(', ')}]`);
  distinctIntegers('RsCIN k list', s.rscinK, (k) => k >= 1, 'integers ≥ 1');
  return {
    layers: [...s.layers].sort((a, b) => a - b),
    size: s.size,
    rList: [...s.rList],
    interval: [lo, hi],
    rscinK: [...s.rscinK],
  };
}

/** F: how many feature sets (one per r and layer, r outer, layer inner) each image carries. */
export function featureSetCount(s: Pick<MuscSettings, 'layers' | 'rList'>): number {
  return s.layers.length * s.rList.length;
}

/**
 * The fewest images a lot can be scored with: the MSM interval must hold a rank (5 for [0, 0.3)) and
 * RsCIN keeps up to max(k) neighbours, itself included.
 */
export function minLotSize(s: Pick<MuscSettings, 'interval' | 'rscinK'>): number {
  return Math.max(2, minLotForInterval(s.interval), ...s.rscinK);
}
