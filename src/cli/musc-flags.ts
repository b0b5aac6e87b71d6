/**
 * The lot mode's flags and their parsing, for `winclip score --method musc` and `winclip eval --method musc`
 * (`command` names the one whose usage errors these are). A malformed value is a usage error here; a value
 * the model rules out (a layer it lacks, a size off its patch grid) is one too, from the settings' own
 * check once the model is known.
 */
import { type MuscModelShape, type MuscSettings, muscSettings } from '../core/musc/settings';
import type { FlagSpec } from './flags';
import { UsageError } from './usage-error';

const METHODS = ['winclip', 'musc'] as const;
export type ScoreMethod = (typeof METHODS)[number];

/** The lot's settings as flags (both commands). */
export const LOT_FLAGS = {
  layers: {
    type: 'string',
    arg: '<l,l,…>',
    help: 'musc: 0-based blocks whose outputs are compared',
    shownDefault: 'the quarter points, 5,11,17,23 for 24 blocks, 2,5,8,11 for 12',
  },
  size: {
    type: 'string',
    arg: '<S>',
    help: 'musc: input side in pixels, a multiple of the patch size (images are resized to S×S); the maps are S×S',
    shownDefault: "the model's own",
  },
  'r-list': {
    type: 'string',
    arg: '<r,r,…>',
    help: 'musc: neighbourhood sizes r (odd) whose r×r patch means are compared',
    shownDefault: '1,3,5',
  },
  interval: {
    type: 'string',
    arg: '<lo,hi>',
    help: "musc: which of a patch's sorted nearest distances to the other images are averaged, as fractions of N−1",
    shownDefault: '0,0.3',
  },
  'rscin-k': {
    type: 'string',
    arg: '<k,k,…>',
    help: 'musc: neighbourhood sizes of the image-level re-scoring (the published VisA runs use 1,8,9)',
    shownDefault: '1,2,3',
  },
} satisfies Record<string, FlagSpec>;

/** `score`'s method choice and the lot flags. */
export const MUSC_FLAGS = {
  method: {
    type: 'string',
    arg: METHODS.join('|'),
    help: 'winclip: each image on its own, zero- or few-shot; musc: the lot mode (MuSc), all the images form one unlabeled lot in the order given and each is scored against the others (no prompts, no references; at least 5 images)',
    shownDefault: 'winclip',
  },
  ...LOT_FLAGS,
} satisfies Record<string, FlagSpec>;

export type MuscFlagValues = { [K in keyof typeof MUSC_FLAGS]?: string };

/** The lot-only flags, by name, for refusing them with --method winclip. */
const LOT_ONLY = ['layers', 'size', 'r-list', 'interval', 'rscin-k'] as const;

export function parseMethod(raw: string | undefined, command = 'score'): ScoreMethod {
  if (raw === undefined) return 'winclip';
  if (!(METHODS as readonly string[]).includes(raw))
    throw new UsageError(command, `--method must be one of ${METHODS.join(', ')}, got '${raw}'`);
  return raw as ScoreMethod;
}

/** With WinCLIP the lot flags mean nothing: say so rather than ignore them. */
export function refuseLotFlags(values: MuscFlagValues, command = 'score'): void {
  const given = LOT_ONLY.find((f) => values[f] !== undefined);
  if (given) throw new UsageError(command, `--${given} needs --method musc`);
}

/** A comma-separated list of numbers ('1,3,5'); integers only when `integers`. */
function numberList(flag: string, raw: string, integers: boolean, command = 'score'): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex(
    (s, i) => s === '' || !Number.isFinite(values[i]) || (integers && !Number.isInteger(values[i])),
  );
  if (bad >= 0)
    throw new UsageError(
      command,
      `--${flag} must be a comma-separated list of ${integers ? 'integers' : 'numbers'}, got '${raw}'`,
    );
  return values;
}

/** The flags as settings overrides (absent flags undefined: the defaults stay). */
export function muscOverrides(values: MuscFlagValues, command = 'score'): Partial<MuscSettings> {
  const list = (flag: keyof MuscFlagValues, integers: boolean) => {
    const raw = values[flag];
    return raw === undefined ? undefined : numberList(flag, raw, integers, command);
  };
  const size = list('size', true);
  if (size && size.length !== 1)
    throw new UsageError(command, `--size must be one integer, got '${values.size}'`);
  const interval = list('interval', false);
  if (interval && interval.length !== 2)
    throw new UsageError(command, `--interval must be two numbers lo,hi, got '${values.interval}'`);
  return {
    layers: list('layers', true),
    size: size?.[0],
    rList: list('r-list', true),
    interval: interval ? [interval[0], interval[1]] : undefined,
    rscinK: list('rscin-k', true),
  };
}

/** The lot settings for this model, a usage error when the model rules a flag's value out. */
export function cliMuscSettings(
  model: MuscModelShape,
  overrides: Partial<MuscSettings>,
  command = 'score',
): MuscSettings {
  try {
    return muscSettings(model, overrides);
  } catch (err) {
    throw new UsageError(command, (err as Error).message);
  }
}
