/**
 * Command-line conventions: --version, exit statuses (2 for usage errors, 3 for NG with --fail-on-ng),
 * streams (nothing on stdout for a usage error), help laid out for the terminal, progress on a terminal
 * only, --quiet, and calibrate --write-recipe without a recipe. The bin runs as a user runs it (a child
 * process) where the process itself is the point: --version, each exit status, a pseudo-terminal; the
 * other cases call the CLI's main in this process (test/run-cli.ts), the code the bin runs.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprintModelDir } from '../src/cli/recipe-input';
import { base64ToBytes, parseRecipe } from '../src/core/recipe';
import { FIXTURE_DIR } from './fixture';
import { winclip as inProcess, winclipProcess } from './run-cli';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin/winclip.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'winclip-conventions-'));
const img = (f: string) => join(FIXTURE_DIR, f);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const winclip = (args: string[], env: NodeJS.ProcessEnv = {}) => inProcess(args, { COLUMNS: '', ...env });
/** The bin in a child process: its exit status is the process's. */
const bin = (args: string[]) => winclipProcess(args, { env: { ...process.env, COLUMNS: '' } });

/** `score --fail-on-ng` on the fixture model at image threshold `t`. */
const failOnNgArgs = (t: string, files: string[]) => [
  'score',
  '--model',
  FIXTURE_DIR,
  '--object',
  'bottle',
  '--fail-on-ng',
  '--image-threshold',
  t,
  ...files,
];
const failOnNg = (t: string, files: string[]) => winclip(failOnNgArgs(t, files));

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
const hasScript = (() => {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs the bin on a pseudo-terminal (util-linux `script`); returns what the terminal received. */
async function onTerminal(args: string[]): Promise<string> {
  const cmd = ['node', BIN, ...args].map(shellQuote).join(' ');
  const { stdout } = await exec('script', ['-qec', cmd, '/dev/null'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('winclip --version and usage', () => {
  it.each([['--version'], ['-V']])('%s prints the package version on stdout', async (flag) => {
    expect(await bin([flag])).toEqual({ code: 0, stdout: `winclip ${VERSION}\n`, stderr: '' });
  });

  it('alone, prints the usage on stderr and exits 2', async () => {
    const r = await bin([]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/^usage: winclip <command>/);
  });

  it('--help lists the commands aligned and the exit statuses', async () => {
    const r = await winclip(['--help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const commands = r.stdout.split('\n').filter((l) => /^ {2}(score|calibrate|eval|synth) /.test(l));
    expect(commands.map((l) => l.trim().split(/\s+/)[0])).toEqual(['score', 'calibrate', 'eval', 'synth']);
    // Each brief starts in the same column, two spaces after the longest name.
    expect(new Set(commands.map((l) => l.search(/(?<=\S {2,})\S/)))).toEqual(
      new Set(['  calibrate  '.length]),
    );
    const status = r.stdout.slice(r.stdout.indexOf('exit status:'));
    for (const code of ['0', '1', '2', '3']) expect(status).toMatch(new RegExp(`^ {2}${code} {2}\\S`, 'm'));
    expect(status).toMatch(/--fail-on-ng/);
  });

  it.each([
    [['scroe'], "winclip: unknown command 'scroe' (did you mean score?) (see winclip --help)\n"],
    [['--verison'], "winclip: unknown flag '--verison' (did you mean --version?) (see winclip --help)\n"],
    [
      ['score', '--modle', FIXTURE_DIR, img('test_a.png')],
      "winclip: score: unknown flag '--modle' (did you mean --model?) (see winclip score --help)\n",
    ],
    [
      ['calibrate', '--model', FIXTURE_DIR, '--marign', '2'],
      "winclip: calibrate: unknown flag '--marign' (did you mean --margin?) (see winclip calibrate --help)\n",
    ],
  ])('%j exits 2 with a suggestion on stderr and nothing on stdout', async (args, message) => {
    expect(await winclip(args)).toEqual({ code: 2, stdout: '', stderr: message });
  });

  it.each([
    ['a flag without its value', ['score', img('test_a.png'), '--model'], /--model needs a value/],
    [
      'no --model',
      ['score', img('test_a.png')],
      /score: --model <dir\|owner\/name\[@revision\]> is required/,
    ],
    ['no images', ['score', '--model', FIXTURE_DIR], /give at least one image/],
    [
      'a bad threshold',
      ['score', '--model', FIXTURE_DIR, '--image-threshold', 'x', 'a.png'],
      /must be a number/,
    ],
    [
      'a bad device',
      ['score', '--model', FIXTURE_DIR, '--device', 'tpu', 'a.png'],
      /--device must be one of/,
    ],
    ['a bad margin', ['calibrate', '--model', FIXTURE_DIR, '--margin=-1'], /--margin must be a number >= 0/],
    ['a dash value', ['calibrate', '--model', FIXTURE_DIR, '--margin', '-1'], /given as --margin=<value>/],
    [
      'a value for a switch',
      ['score', '--model', FIXTURE_DIR, '--quiet=yes', 'a.png'],
      /--quiet takes no value/,
    ],
    ['a missing eval flag', ['eval', '--model', FIXTURE_DIR], /--data, --dataset and --model are required/],
    ['a bad synth size', ['synth', '--out', tmp, '--size', '3'], /--size must be an integer >= 16/],
  ])('%s is a usage error: exit 2, one line, empty stdout', async (_label, args, message) => {
    const r = await winclip(args);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\(see winclip \w+ --help\)\n$/);
  });

  it('an input that cannot be read is a failure (1), not a usage error', async () => {
    const r = await winclip(['score', '--model', FIXTURE_DIR, join(tmp, 'nope.png')]);
    expect([r.code, r.stdout]).toEqual([1, '']);
  });

  it('wraps help to $COLUMNS with the flag column aligned', async () => {
    const r = await winclip(['score', '--help'], { COLUMNS: '100' });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const body = lines.slice(0, lines.indexOf('examples:'));
    for (const l of body) expect(l.length).toBeLessThanOrEqual(100);
    const flagRows = body.filter((l) => /^ {2}-/.test(l));
    expect(flagRows.length).toBeGreaterThan(10);
    const column = new Set(flagRows.map((l) => l.search(/(?<=\S {2,})\S/)));
    expect(column.size).toBe(1);
    const [col] = column;
    // Continuation lines of a wrapped flag help start at that same column.
    const continued = body.filter((l) => /^ {20,}\S/.test(l));
    expect(continued.length).toBeGreaterThan(0);
    for (const l of continued) expect(l.search(/\S/)).toBe(col);
    const narrow = await winclip(['score', '--help'], { COLUMNS: '50' });
    const narrowBody = narrow.stdout.split('\n');
    // The synopsis (first line) and the examples stay whole, so they can be copied.
    for (const l of narrowBody.slice(1, narrowBody.indexOf('examples:')))
      expect(l.length).toBeLessThanOrEqual(50);
  });
});

describe('winclip score --fail-on-ng', () => {
  const files = [img('test_a.png'), img('test_d.png')];

  it('exits 3 after writing every result when an image is NG, 0 when none is', async () => {
    const plain = JSON.parse(
      (await winclip(['score', '--model', FIXTURE_DIR, '--object', 'bottle', ...files])).stdout,
    );
    const scores: number[] = plain.images.map((i: { image_score: number }) => i.image_score);
    const top = Math.max(...scores);
    const ng = await failOnNg(String(top), files);
    expect(ng.code).toBe(3);
    // The process's own exit status, through the bin.
    expect((await bin(failOnNgArgs(String(top), files))).code).toBe(3);
    const out = JSON.parse(ng.stdout);
    expect(out.images.map((i: { verdict: string }) => i.verdict)).toEqual(
      scores.map((s) => (s >= top ? 'NG' : 'OK')),
    );
    expect(ng.stderr).toBe('winclip: 1 of 2 images are NG\n');
    const ok = await failOnNg(String(top + 1e-6), files);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(JSON.parse(ok.stdout).images.map((i: { verdict: string }) => i.verdict)).toEqual(['OK', 'OK']);
    // --quiet drops the note; the exit status still tells.
    const quiet = await winclip([
      'score',
      '--model',
      FIXTURE_DIR,
      '--object',
      'bottle',
      '-q',
      '--fail-on-ng',
      '--image-threshold',
      '0',
      ...files,
    ]);
    expect([quiet.code, quiet.stderr]).toEqual([3, '']);
  });

  it('gives 1, not 3, when an image could not be scored (--quiet keeps the errors)', async () => {
    const broken = join(tmp, 'broken.png');
    writeFileSync(broken, 'not a png');
    const r = await winclip([
      'score',
      '--model',
      FIXTURE_DIR,
      '--quiet',
      '--fail-on-ng',
      '--image-threshold',
      '0',
      img('test_a.png'),
      broken,
    ]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).images[0].verdict).toBe('NG');
    expect(r.stderr).toMatch(/broken\.png: not an image/);
    expect(r.stderr).toMatch(/1 of 2 images could not be scored/);
  });

  it('without an image threshold is a usage error', async () => {
    const r = await winclip(['score', '--model', FIXTURE_DIR, '--fail-on-ng', img('test_a.png')]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/--fail-on-ng needs an image threshold/);
  });
});

describe.skipIf(!hasScript)('progress on a terminal', () => {
  it('score redraws one line on stderr and ends with a summary; --quiet shows nothing', async () => {
    const out = join(tmp, 'tty.json');
    const args = [
      'score',
      '--model',
      FIXTURE_DIR,
      '--out',
      out,
      '--image-threshold',
      '0.3',
      img('test_a.png'),
      img('test_b.png'),
    ];
    const shown = await onTerminal(args);
    expect(shown).toMatch(/^\rscoring \[ +\] 0\/2 +0% /);
    expect(shown).toMatch(
      /\rscoring \[=+\] 2\/2 100% \S+ elapsed, [\d.]+ (s\/image|images\/s), ETA 0:00 \(\d NG\)\S*\r?\n$/,
    );
    expect(JSON.parse(readFileSync(out, 'utf8')).images).toHaveLength(2);
    expect(await onTerminal([...args, '--quiet'])).toBe('');
  });

  it('calibrate shows its two phases before the JSON', async () => {
    const shown = await onTerminal([
      'calibrate',
      '--model',
      FIXTURE_DIR,
      '--ref',
      img('ref_1.png'),
      '--ref',
      img('ref_2.png'),
    ]);
    expect(shown).toMatch(/\rencoding references \[=+\] 2\/2 100%/);
    expect(shown).toMatch(
      /\rleave-one-out \[=+\] 2\/2 100%.*image threshold [\d.]+, pixel threshold [\d.]+\)/,
    );
    expect(shown.indexOf('leave-one-out')).toBeLessThan(shown.indexOf('{"references"'));
  });
});

describe('winclip calibrate --write-recipe without --recipe', () => {
  const REFS = ['ref_1.png', 'ref_2.png', 'test_b.png'];

  it('writes a new recipe that score and calibrate read back, with the same thresholds and scores', async () => {
    const written = join(tmp, 'new.recipe.json');
    const flags = ['--model', FIXTURE_DIR, '--object', 'bottle'];
    const cal = await winclip([
      'calibrate',
      ...flags,
      ...REFS.flatMap((f) => ['--ref', img(f)]),
      '--write-recipe',
      written,
    ]);
    expect([cal.code, cal.stderr]).toEqual([0, '']);
    const suggested = JSON.parse(cal.stdout);
    const recipe = parseRecipe(readFileSync(written, 'utf8'));
    expect(recipe.thresholds).toEqual({
      'few-shot': { image: suggested.image_threshold, pixel: suggested.pixel_threshold },
    });
    expect(recipe.calibration).toEqual({
      rule: suggested.rule,
      references: 3,
      imageThreshold: suggested.image_threshold,
      pixelThreshold: suggested.pixel_threshold,
    });
    expect(recipe.prompts.objectName).toBe('bottle');
    expect(recipe.references.map((r) => [r.name, r.mediaType])).toEqual(REFS.map((f) => [f, 'image/png']));
    for (const [i, r] of recipe.references.entries())
      expect(Buffer.from(base64ToBytes(r.data)).equals(readFileSync(img(REFS[i])))).toBe(true);
    const weights = await fingerprintModelDir(FIXTURE_DIR);
    expect([recipe.model.weightsBytes, recipe.model.weightsFingerprint]).toEqual([
      weights.bytes,
      weights.fingerprint,
    ]);

    // Calibrating the written recipe gives the same thresholds.
    const again = JSON.parse(
      (await winclip(['calibrate', '--model', FIXTURE_DIR, '--recipe', written])).stdout,
    );
    expect([again.image_threshold, again.pixel_threshold]).toEqual([
      suggested.image_threshold,
      suggested.pixel_threshold,
    ]);
    // Scoring with it equals scoring with the flags and the suggested thresholds.
    const tests = [img('test_a.png'), img('test_c.png')];
    const viaRecipe = await winclip(['score', '--model', FIXTURE_DIR, '--recipe', written, ...tests]);
    const viaFlags = await winclip([
      'score',
      ...flags,
      ...REFS.flatMap((f) => ['--ref', img(f)]),
      '--image-threshold',
      String(suggested.image_threshold),
      '--pixel-threshold',
      String(suggested.pixel_threshold),
      ...tests,
    ]);
    expect(viaRecipe.code).toBe(0);
    const a = JSON.parse(viaRecipe.stdout).images;
    const b = JSON.parse(viaFlags.stdout).images;
    expect(a.map((i: { verdict: string }) => i.verdict)).toEqual(
      b.map((i: { verdict: string }) => i.verdict),
    );
    expect(a.map((i: { image_score: number }) => i.image_score)).toEqual(
      b.map((i: { image_score: number }) => i.image_score),
    );
  });

  it.each([
    ['--prompts', ['--prompts', join(FIXTURE_DIR, 'prompts.json')], /not a --prompts file's sentences/],
    ['--temperature', ['--temperature', '0.5'], /a recipe does not hold --temperature/],
  ])('refuses %s, which a recipe cannot carry (exit 2, nothing written)', async (_flag, extra, message) => {
    const path = join(tmp, 'refused.json');
    const r = await winclip([
      'calibrate',
      '--model',
      FIXTURE_DIR,
      ...extra,
      '--ref',
      img('ref_1.png'),
      '--ref',
      img('ref_2.png'),
      '--write-recipe',
      path,
    ]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(message);
    expect(() => readFileSync(path)).toThrow();
  });
});
