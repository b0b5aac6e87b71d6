/** The `winclip synth` command line for a small synthetic data set, as the eval tests build them. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
export interface SynthSet {
  out: string;
  layout?: 'mvtec' | 'visa';
  categories: readonly string[];
  train: number;
  good: number;
  bad: number;
  size: number;
}

export function synthArgs(s: SynthSet): string[] {
  return [
    'synth',
    '--out',
    s.out,
    ...(s.layout ? ['--layout', s.layout] : []),
    '--categories',
    s.categories.join(','),
    '--train',
    String(s.train),
    '--test-good',
    String(s.good),
    '--test-bad',
    String(s.bad),
    '--size',
    String(s.size),
  ];
}

/** A synthetic MVTec-layout category's test files as the results list them: sorted defect folders, then sorted names; label 0 for good. */
export function synthTestFiles(data: string, category: string): { file: string; label: number }[] {
  const dir = join(data, category, 'test');
  return readdirSync(dir)
    .sort()
    .flatMap((d) =>
      readdirSync(join(dir, d))
        .sort()
        .map((n) => ({ file: `test/${d}/${n}`, label: d === 'good' ? 0 : 1 })),
    );
}
