/**
 * The lot mode's (MuSc) setting flags, declared and parsed once for every command that runs a lot:
 * `--layers`, `--size`, `--r-list`, `--interval`, `--rscin-k`. Lists are comma-separated; the values are
 * checked by `muscSettings` (src/core/musc/settings.ts), so the messages match the engine's.
 */
import { type MuscModelShape, type MuscSettings, muscSettings } from '../core/musc/settings';
import type { FlagSpec } from './flags';
import { UsageError } from './usage-error';

export const MUSC_FLAGS = {
  layers: {
    type: 'string',
    arg: 'a,b,…',
    help: 'lot mode: 0-based vision blocks whose outputs are compared',
    shownDefault: 'L/4−1, L/2−1, 3L/4−1, L−1 (5,11,17,23 for 24 blocks)',
  },
  size: {
    type: 'string',
    arg: '<S>',
    help: 'lot mode: input side S (a multiple of the patch size); maps are S×S',
    shownDefault: "the model's own",
  },
  'r-list': {
    type: 'string',
    arg: 'r,…',
    help: 'lot mode: LNAMD aggregation degrees (odd)',
    shownDefault: '1,3,5',
  },
  interval: {
    type: 'string',
    arg: 'lo,hi',
    help: 'lot mode: MSM interval, the mean of the sorted nearest distances between ranks (N−1)·lo and (N−1)·hi',
    shownDefault: '0,0.3',
  },
  'rscin-k': {
    type: 'string',
    arg: 'k,…',
    help: 'lot mode: RsCIN neighbourhood sizes',
    shownDefault: '1,2,3 (eval on VisA: 1,8,9)',
  },
} as const satisfies Record<string, FlagSpec>;

export type MuscFlagValues = { [K in keyof typeof MUSC_FLAGS]?: string };

function numbers(command: string, flag: string, raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const xs = parts.map(Number);
  if (parts.some((p) => p === '') || xs.some((x) => !Number.isFinite(x)))
    throw new UsageError(command, `--${flag} must be comma-separated numbers, got '${raw}'`);
  return xs;
}

/** Names of the lot-mode flags present in `values`, as `--flag`. */
export function muscFlagsGiven(values: MuscFlagValues): string[] {
  return Object.keys(MUSC_FLAGS)
    .filter((k) => values[k as keyof MuscFlagValues] !== undefined)
    .map((k) => `--${k}`);
}

/**
 * The lot settings for `model`: defaults, then `fallback` (a command's own preset, e.g. eval's VisA k list),
 * then the flags. A value the settings refuse is a usage error with the settings' message.
 */
export function parseMuscFlags(
  command: string,
  values: MuscFlagValues,
  model: MuscModelShape,
  fallback: Partial<MuscSettings> = {},
): MuscSettings {
  const over: Partial<MuscSettings> = { ...fallback };
  if (values.layers !== undefined) over.layers = numbers(command, 'layers', values.layers);
  if (values.size !== undefined) {
    const [size, ...rest] = numbers(command, 'size', values.size);
    if (rest.length) throw new UsageError(command, `--size takes one number, got '${values.size}'`);
    over.size = size;
  }
  if (values['r-list'] !== undefined) over.rList = numbers(command, 'r-list', values['r-list']);
  if (values.interval !== undefined) {
    const xs = numbers(command, 'interval', values.interval);
    if (xs.length !== 2)
      throw new UsageError(command, `--interval takes two numbers lo,hi, got '${values.interval}'`);
    over.interval = [xs[0], xs[1]];
  }
  if (values['rscin-k'] !== undefined) over.rscinK = numbers(command, 'rscin-k', values['rscin-k']);
  try {
    return muscSettings(model, over);
  } catch (err) {
    throw new UsageError(command, (err as Error).message);
  }
}
