/**
 * Image arguments → files: a file is taken as given, a folder is searched recursively for image files
 * (hidden entries skipped, sorted), and a path that does not exist but holds glob characters is expanded.
 * Anything else is one clear error before the model loads.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { IMAGE_EXTENSIONS } from '../core/image-formats';

// IMAGE_EXTENSIONS: what folders are searched for (files given by name or glob are taken whatever they are called).

const GLOB_CHARS = /[*?[\]{}]/;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && IMAGE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

/** Expands image arguments in order, without duplicates; `what` other than 'image' prefixes errors (e.g. '--ref'). */
export async function expandInputs(args: string[], what = 'image'): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (p: string) => {
    const key = resolve(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };
  for (const arg of args) {
    const label = what === 'image' ? arg : `${what} ${arg}`;
    const info = await stat(arg).catch(() => null);
    // A named pipe counts as a file: `<(ssh camera cat part.png)` or a FIFO a station writes into.
    if (info?.isFile() || info?.isFIFO()) add(arg);
    else if (info?.isDirectory()) {
      const found = await walk(arg);
      if (found.length === 0)
        throw new Error(`${label}: the folder holds no images (${IMAGE_EXTENSIONS.join(', ')})`);
      found.forEach(add);
    } else if (info) throw new Error(`${label}: neither a file nor a folder`);
    else if (GLOB_CHARS.test(arg)) {
      // Matches come back in the pattern's own form: absolute for an absolute pattern, else relative.
      const found = (
        await glob(arg, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(arg) })
      ).sort();
      if (found.length === 0) throw new Error(`${label}: no file matches this pattern`);
      found.forEach(add);
    } else throw new Error(`${label}: no such file or folder`);
  }
  return out;
}

/** Each path relative to the deepest folder holding all of them (for output names that stay distinct). */
export function relativeToCommonFolder(paths: string[]): string[] {
  const abs = paths.map((p) => resolve(p));
  if (abs.length === 0) return [];
  let base = dirname(abs[0]);
  for (const p of abs) while (!(p.startsWith(base + sep) || base === dirname(base))) base = dirname(base);
  return abs.map((p) => relative(base, p));
}
