/**
 * `npx tsx bench/cli-large-image.ts [W H]`: peak memory of `winclip score --out` on one large JPEG
 * (default 8000×6000, a 48-million-value map) with the tiny fixture model, measured by /usr/bin/time -v
 * around the real CLI process. Figures only; nothing here asserts a size.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { FIXTURE_DIR } from '../test/fixture';

const run = promisify(execFile);
const [w, h] = process.argv.slice(2).map(Number);
const width = w || 8000;
const height = h || 6000;
const dir = mkdtempSync(join(tmpdir(), 'winclip-large-'));
const jpeg = join(dir, 'large.jpg');

// A pattern with structure at every scale, so the JPEG is realistic in size (a flat image is tiny).
const px = Buffer.alloc(width * height * 3);
for (let y = 0; y < height; y++)
  for (let x = 0; x < width; x++) px.set([x & 255, y & 255, (x ^ y) & 255], (y * width + x) * 3);
await sharp(px, { raw: { width, height, channels: 3 } })
  .jpeg({ quality: 90 })
  .toFile(jpeg);

const bin = resolve(import.meta.dirname, '../bin/winclip.mjs');
for (const [label, extra] of [
  ['--out', ['--out', join(dir, 'out.json')]],
  ['--out --maps', ['--out', join(dir, 'out2.json'), '--maps', join(dir, 'maps')]],
] as const) {
  const t = performance.now();
  const { stderr } = await run('/usr/bin/time', [
    '-v',
    'node',
    bin,
    'score',
    '--model',
    FIXTURE_DIR,
    ...extra,
    jpeg,
  ]);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
  const out = statSync(extra[1]).size;
  console.log(
    `${width}×${height} ${label}: peak RSS ${(kb / 2 ** 20).toFixed(2)} GiB, ${((performance.now() - t) / 1000).toFixed(1)} s, JSON ${(out / 2 ** 20).toFixed(0)} MiB`,
  );
}
