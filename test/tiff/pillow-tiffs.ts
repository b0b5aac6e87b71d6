/**
 * TIFF fixtures made by Pillow (make_tiffs.py) with Pillow's own convert('RGB') bytes beside each. Needs a
 * Python with Pillow: $PYTHON, `python3` or Debian's /usr/bin/python3 (python3-pil, which .ci/run installs).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PillowTiff {
  name: string;
  width: number;
  height: number;
  /** Pillow's mode on open (I;16, RGB, RGBA, L, LA, …). */
  mode: string;
  tif: string;
  /** A PNG of Pillow's converted pixels. */
  png: string;
  /** Pillow's `Image.open(tif).convert('RGB').tobytes()`. */
  rgb: Uint8Array;
}

// import.meta.url, not __dirname: Playwright loads this file as an ES module.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'make_tiffs.py');

function pillowPython(): string | null {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', 'import PIL'], { stdio: 'ignore' });
      return py;
    } catch {
      // next candidate
    }
  }
  return null;
}

const PILLOW_PYTHON = pillowPython();
export const NO_PILLOW_REASON =
  'no Python with Pillow (tried $PYTHON, python3, /usr/bin/python3): apt-get install python3-pil';

/** Writes the named cases (all when none) into a new temp folder; null when there is no Pillow. */
export function makePillowTiffs(names: string[] = []): PillowTiff[] | null {
  if (!PILLOW_PYTHON) return null;
  const dir = mkdtempSync(join(tmpdir(), 'pillow-tiffs-'));
  const listed = JSON.parse(execFileSync(PILLOW_PYTHON, [SCRIPT, dir, ...names], { encoding: 'utf8' })) as {
    name: string;
    width: number;
    height: number;
    mode: string;
  }[];
  return listed.map((c) => ({
    ...c,
    tif: join(dir, `${c.name}.tif`),
    png: join(dir, `${c.name}.png`),
    rgb: new Uint8Array(readFileSync(join(dir, `${c.name}.rgb`))),
  }));
}
