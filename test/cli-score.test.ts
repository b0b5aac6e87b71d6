/** Runs `winclip score` as a user would (a child process through the bin) on the fixture model. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixturePrompts, loadF32, manifest, maxAbsDiff } from './fixture';

const run = promisify(execFile);
const BIN = resolve(__dirname, '../bin/winclip.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'winclip-cli-'));
const promptsFile = join(tmp, 'prompts.json');
writeFileSync(promptsFile, JSON.stringify(fixturePrompts));
// The first 40% of a real PNG: a valid header, then the data stops.
const truncated = join(tmp, 'truncated.png');
const png = readFileSync(join(FIXTURE_DIR, 'test_b.png'));
writeFileSync(truncated, png.subarray(0, Math.floor(png.length * 0.4)));

const tests = manifest.images.filter((i) => i.role === 'test');
const refs = manifest.images.filter((i) => i.role === 'reference');
const img = (f: string) => join(FIXTURE_DIR, f);

interface Out {
  images: { file: string; width: number; height: number; image_score: number; anomaly_map: number[] }[];
}

async function score(extra: string[]): Promise<Out> {
  const { stdout } = await run(
    'node',
    [BIN, 'score', '--model', FIXTURE_DIR, '--prompts', promptsFile, ...extra],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout);
}

describe('winclip score', () => {
  it.each([
    ['zero-shot', 'zs', [] as string[]],
    ['few-shot', 'fs', refs.flatMap((r) => ['--ref', img(r.file)])],
  ])('%s reproduces the fixture final scores and maps', async (_label, tag, extra) => {
    const out = await score([...extra, ...tests.map((t) => img(t.file))]);
    expect(out.images.map((o) => o.file)).toEqual(tests.map((t) => img(t.file)));
    out.images.forEach((o, i) => {
      const t = tests[i];
      expect([o.width, o.height]).toEqual([t.width, t.height]);
      expect(Math.abs(o.image_score - loadF32(`${t.name}.final_${tag}_score`)[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(o.anomaly_map, loadF32(`${t.name}.final_${tag}_map`))).toBeLessThan(1e-4);
    });
  });

  it('writes --out and honours --temperature', async () => {
    const out = join(tmp, 'o.json');
    await run('node', [
      BIN,
      'score',
      '--model',
      FIXTURE_DIR,
      '--object',
      'bottle',
      '--temperature',
      '0.5',
      '--out',
      out,
      img('test_a.png'),
    ]);
    const parsed: Out = JSON.parse(readFileSync(out, 'utf8'));
    expect(parsed.images).toHaveLength(1);
    // A softer temperature pulls scores towards 0.5 compared with τ = 0.07.
    const sharp = await score([img('test_a.png')]);
    expect(Math.abs(parsed.images[0].image_score - 0.5)).toBeLessThan(
      Math.abs(sharp.images[0].image_score - 0.5),
    );
  });

  it.each([
    ['a missing model folder', ['--model', join(tmp, 'nope'), img('test_a.png')], /model folder not found/],
    ['a non-image file', ['--model', FIXTURE_DIR, promptsFile], /not an image/],
    [
      'a truncated image',
      ['--model', FIXTURE_DIR, truncated],
      /truncated\.png: corrupt or truncated image data/,
    ],
    ['no images', ['--model', FIXTURE_DIR], /at least one image/],
  ])('fails with one clear line for %s', async (_label, args, msg) => {
    const err = await run('node', [BIN, 'score', ...args]).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.code).not.toBe(0);
    expect(err!.stderr.trim().split('\n')).toHaveLength(1);
    expect(err!.stderr).toMatch(msg);
  });
});
