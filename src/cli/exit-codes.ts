/** Exit statuses of every `winclip` command, one table for the code and for `winclip --help`. */
export const EXIT = {
  ok: 0,
  /** A runtime failure, or some images could not be scored (the others are still in the results). */
  failure: 1,
  /** The command was called wrongly: nothing ran, nothing was written to stdout. */
  usage: 2,
  /** `score --fail-on-ng`: every image was scored and at least one is NG. */
  ng: 3,
} as const;

export const EXIT_STATUS_ROWS: readonly (readonly [string, string])[] = [
  ['0', 'success'],
  ['1', 'failure: an input, the model or an output could not be used, or some images could not be scored'],
  ['2', 'usage error: unknown command or flag, missing or bad flag value, no inputs (nothing ran)'],
  [
    '3',
    'score --fail-on-ng: at least one image is NG (1 takes precedence: a run with broken inputs gives 1)',
  ],
];
