/** `winclip synth`: writes a synthetic benchmark (MVTec-AD layout, or VisA with --layout visa) for tests and demos. */
import { resolve } from 'node:path';
import { DEFAULT_SYNTH_CATEGORIES, generateSynthDataset } from '../synth/generator';
import { parseCommand } from './flags';
import { SYNTH_SPEC } from './specs';
import { UsageError } from './usage-error';

function intOption(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError('synth', `--${name} must be an integer >= ${min}, got '${raw}'`);
  return v;
}

export async function runSynth(argv: string[]): Promise<number> {
  const { values } = parseCommand(SYNTH_SPEC, argv);
  if (!values.out) throw new UsageError('synth', '--out <dir> is required');
  const layout = values.layout ?? 'mvtec';
  if (layout !== 'mvtec' && layout !== 'visa')
    throw new UsageError('synth', `--layout must be mvtec or visa, got '${layout}'`);
  const categories = values.categories
    ? values.categories
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)
    : DEFAULT_SYNTH_CATEGORIES;
  const summary = await generateSynthDataset({
    outDir: resolve(values.out),
    categories,
    train: intOption('train', values.train, 8, 0),
    testGood: intOption('test-good', values['test-good'], 6, 0),
    testBad: intOption('test-bad', values['test-bad'], 6, 0),
    size: intOption('size', values.size, 256, 16),
    seed: intOption('seed', values.seed, 0, 0),
    layout,
  });
  for (const [cat, c] of Object.entries(summary.categories)) {
    const bad = Object.entries(c.testBad)
      .map(([d, n]) => `${n} ${d}`)
      .join(', ');
    process.stdout.write(`${cat}: ${c.train} train, ${c.testGood} test good, ${bad || 'no defects'}\n`);
  }
  process.stdout.write(`wrote ${summary.layout} layout to ${resolve(values.out)}\n`);
  return 0;
}
