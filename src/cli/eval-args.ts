/** Argument checks shared by `winclip eval`'s two methods (WinCLIP and the lot mode). */
import { writeFile } from 'node:fs/promises';
import { formatReport } from '../eval/tables';
import type { parseCommand } from './flags';
import type { EVAL_SPEC } from './specs';
import { UsageError } from './usage-error';

export type EvalValues = ReturnType<typeof parseCommand<(typeof EVAL_SPEC)['flags']>>['values'];

/** The flags of `names` present in `values`, as `--flag`. */
export function onlyFlags(values: Record<string, unknown>, names: string[]): string[] {
  return names.filter((n) => values[n] !== undefined).map((n) => `--${n}`);
}

export function positiveInt(flag: string, raw: string, min = 1): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError('eval', `${flag} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

/** The flags both methods read the same way: --pixel-size, --exact-pixels, --categories. */
export function sharedEvalFlags(values: EvalValues): {
  pixelSize: number | undefined;
  exactPixelLimit: number | undefined;
  categories: string[] | undefined;
} {
  const pixelSize =
    values['pixel-size'] !== undefined ? positiveInt('--pixel-size', values['pixel-size']) : undefined;
  const exactPixelLimit =
    values['exact-pixels'] !== undefined
      ? positiveInt('--exact-pixels', values['exact-pixels'], 0)
      : undefined;
  const categories = values.categories
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return { pixelSize, exactPixelLimit, categories };
}

/** Prints an eval's tables on stdout and, with --out, writes its JSON (NaN, an undefined metric, as null). */
export async function reportEval(
  out: Parameters<typeof formatReport>[0],
  shots: number[],
  path: string | undefined,
  notes: { write(s: string): unknown },
): Promise<void> {
  process.stdout.write(formatReport(out, shots));
  if (path) {
    await writeFile(path, `${JSON.stringify(out, null, 1)}\n`);
    notes.write(`wrote ${path}\n`);
  }
}
