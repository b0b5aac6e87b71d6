/**
 * MuSc's `divide_num` split of one category's test images into subsets scored as separate lots
 * (datasets/mvtec.py `sub_datasets`, METHOD-musc.md §8): the images are grouped by anomaly type (the
 * image's parent folder name, in order of first appearance), each group's indices are shuffled with
 * Python's `random.shuffle` from one `random.seed(42)` stream (groups in that order), cut into chunks of
 * n, and subset i takes the i-th element of every chunk that has one. The official code reseeds for every
 * subset, which gives the same shuffles, so all subsets come from one pass here.
 */
import { PythonRandom } from '../core/python-random';

/** MuSc's default seed for the split (examples/musc_main.py). */
const DIVIDE_SEED = 42;

/** The parent folder of a '/'-separated path, as Python's `path.split('/')[-2]`. */
export function anomalyTypeOf(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/');
  return parts.length >= 2 ? parts[parts.length - 2] : '';
}

/** Subsets of `items` (each in the official order); n = 1 returns the items unchanged, unshuffled. */
export function divideLot<T>(items: T[], typeOf: (item: T) => string, n: number, seed = DIVIDE_SEED): T[][] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--divide must be an integer >= 1, got ${n}`);
  if (n === 1) return [items.slice()];
  const groups = new Map<string, number[]>();
  for (const [i, item] of items.entries()) {
    const t = typeOf(item);
    const g = groups.get(t);
    if (g) g.push(i);
    else groups.set(t, [i]);
  }
  const rng = new PythonRandom(seed);
  const subsets: T[][] = Array.from({ length: n }, () => []);
  for (const ids of groups.values()) {
    rng.shuffle(ids);
    for (const [k, id] of ids.entries()) subsets[k % n].push(items[id]);
  }
  const empty = subsets.findIndex((s) => s.length === 0);
  if (empty >= 0)
    throw new Error(
      `--divide ${n} leaves subset ${empty + 1} empty (${items.length} images; the largest anomaly type has fewer than ${n})`,
    );
  return subsets;
}
