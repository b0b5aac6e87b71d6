/**
 * k-shot reference draws. For a (category, seed) pair the training files (sorted by path) are shuffled
 * once with a seeded Fisher–Yates; a k-shot draw takes the first k. Draws are thus reproducible and
 * nested (the 1-shot reference of seed s is among its 2- and 4-shot references), which keeps the
 * comparison across shot counts about the shot count rather than about luck of the draw.
 */
import { hashString, mulberry32 } from '../core/random';

export function drawShots(
  trainFiles: readonly string[],
  k: number,
  seed: number,
  category: string,
): string[] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`shots must be a non-negative integer, got ${k}`);
  if (k > trainFiles.length) {
    throw new Error(
      `${category}: ${k} shots requested but the training split has ${trainFiles.length} images`,
    );
  }
  const files = [...trainFiles].sort();
  const rand = mulberry32(hashString(`${category}\u0000${seed}`));
  for (let i = files.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [files[i], files[j]] = [files[j], files[i]];
  }
  return files.slice(0, k);
}

/** `--refs` file: {"<category>": {"<shots>": {"<seed>": ["train/good/003.png", ...]}}}, paths relative to the category folder. */
export type RefsFile = Record<string, Record<string, Record<string, string[]>>>;

export function parseRefsFile(raw: unknown, source: string): RefsFile {
  const fail = (why: string): never => {
    throw new Error(`--refs ${source}: ${why}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(raw)) fail('expected an object {"<category>": {"<shots>": {"<seed>": [files]}}}');
  const out: RefsFile = {};
  for (const [cat, byShots] of Object.entries(raw as Record<string, unknown>)) {
    if (!isObj(byShots)) fail(`"${cat}" must map shot counts to seeds`);
    out[cat] = {};
    for (const [shots, bySeed] of Object.entries(byShots as Record<string, unknown>)) {
      const k = Number(shots);
      if (!Number.isInteger(k) || k < 1) fail(`"${cat}": shot count "${shots}" is not a positive integer`);
      if (!isObj(bySeed)) fail(`"${cat}"."${shots}" must map seeds to file lists`);
      out[cat][shots] = {};
      for (const [seed, files] of Object.entries(bySeed as Record<string, unknown>)) {
        if (!Number.isInteger(Number(seed))) fail(`"${cat}"."${shots}": seed "${seed}" is not an integer`);
        if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) {
          fail(`"${cat}"."${shots}"."${seed}" must be a list of paths`);
        }
        if ((files as string[]).length !== k)
          fail(`"${cat}"."${shots}"."${seed}" lists ${(files as string[]).length} files, expected ${k}`);
        out[cat][shots][seed] = files as string[];
      }
    }
  }
  return out;
}

export interface ShotRun {
  seed: number;
  refs: string[];
}

/**
 * The runs of one category and shot count: zero-shot is deterministic, so one run (seed 0, no refs);
 * otherwise seeds 0..n-1 drawn at random, or exactly the draws of the refs file when it covers the category.
 */
export function planRuns(
  category: string,
  k: number,
  seeds: number,
  trainFiles: readonly string[],
  refs: RefsFile | undefined,
): ShotRun[] {
  if (k === 0) return [{ seed: 0, refs: [] }];
  const fixed = refs?.[category];
  if (fixed) {
    const bySeed = fixed[String(k)];
    if (!bySeed) throw new Error(`--refs has no ${k}-shot draws for category '${category}'`);
    const known = new Set(trainFiles);
    return Object.entries(bySeed)
      .map(([seed, files]) => {
        for (const f of files) {
          if (!known.has(f))
            throw new Error(
              `--refs: '${f}' (${category}, ${k}-shot, seed ${seed}) is not in the training split`,
            );
        }
        return { seed: Number(seed), refs: [...files] };
      })
      .sort((a, b) => a.seed - b.seed);
  }
  return Array.from({ length: seeds }, (_, seed) => ({
    seed,
    refs: drawShots(trainFiles, k, seed, category),
  }));
}
