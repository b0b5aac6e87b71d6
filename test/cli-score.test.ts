/** Runs `winclip score` as a user would (a child process through the bin) on the fixture model. */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseNpyFloat32 } from '../src/io/npy';
import { FIXTURE_DIR, fixturePrompts, loadF32, manifest, maxAbsDiff } from './fixture';
import { BMP_CASES, REFUSED_IMAGE_CASES } from './fuzz/image-cases';
import { cmykJpeg } from './fuzz/jpeg-cmyk';
import { imageRecordErrors, resultsErrors } from './results-schema';
import { BIN, fixtureScoreArgs, SCORED_FIELDS, winclip } from './run-cli';
import { makePillowTiffs, NO_PILLOW_REASON } from './tiff/pillow-tiffs';

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

interface Scored {
  file: string;
  width: number;
  height: number;
  image_score: number;
  verdict?: 'OK' | 'NG';
  max_pixel?: number;
  regions?: { box: number[]; area: number; area_percent: number; peak: number; state: string | null }[];
  anomaly_map?: number[];
  error?: string;
}
interface Out {
  format: string;
  version: number;
  model: { path: string; weights_fingerprint: string };
  prompt_set: string;
  thresholds: { image: number | null; pixel: number | null; mode: string; source: string | null };
  method: { mode: string; k: number };
  images: Scored[];
}

/** `score` on the fixture model with the fixture's prompts, then `extra`. */
const scoreArgs = (...extra: string[]) => fixtureScoreArgs(promptsFile, ...extra);

async function score(extra: string[]): Promise<Out> {
  const r = await winclip(scoreArgs(...extra));
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('winclip score', () => {
  it.each([
    ['zero-shot', 'zs', [] as string[]],
    ['few-shot', 'fs', refs.flatMap((r) => ['--ref', img(r.file)])],
  ])('%s reproduces the fixture final scores and maps', async (_label, tag, extra) => {
    const out = await score(['--print-maps', ...extra, ...tests.map((t) => img(t.file))]);
    expect(out.images.map((o) => o.file)).toEqual(tests.map((t) => img(t.file)));
    out.images.forEach((o, i) => {
      const t = tests[i];
      expect([o.width, o.height]).toEqual([t.width, t.height]);
      expect(Math.abs(o.image_score - loadF32(`${t.name}.final_${tag}_score`)[0])).toBeLessThan(1e-4);
      expect(maxAbsDiff(o.anomaly_map!, loadF32(`${t.name}.final_${tag}_map`))).toBeLessThan(1e-4);
    });
  });

  it('takes --ref as a folder', async () => {
    const dir = join(tmp, 'refs');
    mkdirSync(dir);
    for (const r of refs) copyFileSync(img(r.file), join(dir, r.file));
    const out = await score(['--print-maps', '--ref', dir, img(tests[0].file)]);
    expect(Math.abs(out.images[0].image_score - loadF32(`${tests[0].name}.final_fs_score`)[0])).toBeLessThan(
      1e-4,
    );
  });

  it('leaves the maps out of stdout by default; --out has them, as JSON.stringify would write them', async () => {
    const out = join(tmp, 'o.json');
    const plain = await score([img('test_a.png')]);
    expect(Object.keys(plain.images[0])).toEqual(['file', 'width', 'height', 'image_score']);
    const r = await winclip(scoreArgs('--out', out, img('test_a.png')));
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    const text = readFileSync(out, 'utf8');
    const parsed: Out = JSON.parse(text);
    expect(parsed.images[0].image_score).toBe(plain.images[0].image_score);
    expect(parsed.images[0].anomaly_map).toHaveLength(240 * 240);
    expect(text).toBe(`${JSON.stringify(parsed)}\n`);
    // Both are winclip-results documents that the schema accepts, with the provenance on top.
    expect(resultsErrors(parsed)).toEqual([]);
    expect(resultsErrors(plain)).toEqual([]);
    expect(Object.keys(parsed)).toEqual([
      'format',
      'version',
      'created',
      'tool',
      'model',
      'prompt_set',
      'thresholds',
      'method',
      'images',
    ]);
    expect(parsed.model).toMatchObject({ path: FIXTURE_DIR, repo: null, commit: null });
    expect(parsed.model.weights_fingerprint).toMatch(/^sampled-sha256-v1:[0-9a-f]{64}$/);
    expect(parsed.thresholds).toEqual({ image: null, pixel: null, mode: 'zero-shot', source: null });
    expect(parsed.method).toMatchObject({ mode: 'zero-shot', k: 0, window_scales: [2, 3] });
  });

  it('--jsonl prints each record as its image finishes, before the next image is even read', async () => {
    // The second input is a named pipe the test fills only after the first line arrived: a CLI that
    // held its output back until the end could never print it.
    const fifo = join(tmp, 'later.png');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('node', [
      BIN,
      'score',
      '--model',
      FIXTURE_DIR,
      '--prompts',
      promptsFile,
      '--jsonl',
      img('test_a.png'),
      fifo,
    ]);
    let out = '';
    child.stdout.setEncoding('utf8');
    const firstLine = new Promise<string>((res) =>
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('\n')) res(out.slice(0, out.indexOf('\n')));
      }),
    );
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    const first = JSON.parse(await firstLine);
    expect(first.file).toBe(img('test_a.png'));
    expect(child.exitCode).toBeNull();
    writeFileSync(fifo, readFileSync(img('test_b.png')));
    expect(await exited).toBe(0);
    const lines = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual([img('test_a.png'), fifo]);
    const direct = await score([img('test_b.png')]);
    expect(lines[1].image_score).toBe(direct.images[0].image_score);
  });

  it('--jsonl prints one schema-valid record per line, equal to the --out records, and nothing else', async () => {
    const out = join(tmp, 'lines.json');
    const csv = join(tmp, 'lines.csv');
    // A pixel threshold halfway up test_a's few-shot map, so it has regions.
    const fsMap = loadF32(`${tests.find((t) => t.file === 'test_a.png')!.name}.final_fs_map`);
    const [lo, hi] = [Math.min(...fsMap), Math.max(...fsMap)];
    const pixel = String(Math.round(((lo + hi) / 2) * 1000) / 1000);
    const r = await winclip(
      scoreArgs(
        ...refs.flatMap((x) => ['--ref', img(x.file)]),
        '--image-threshold',
        '0.5',
        '--pixel-threshold',
        pixel,
        '--jsonl',
        '--out',
        out,
        '--csv',
        csv,
        '--csv-excel',
        img('test_a.png'),
        truncated,
        img('test_d.png'),
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stdout.endsWith('\n')).toBe(true);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const l of lines) expect(imageRecordErrors(l)).toEqual([]);
    const doc: Out = JSON.parse(readFileSync(out, 'utf8'));
    expect(resultsErrors(doc)).toEqual([]);
    expect(doc.thresholds).toEqual({
      image: 0.5,
      pixel: Number(pixel),
      mode: `few-shot:${refs.length}`,
      source: 'flag',
    });
    // The lines are the document's records without their maps (stdout leaves maps out).
    expect(lines).toEqual(doc.images.map(({ anomaly_map, ...rest }) => rest));
    expect(lines.map((l) => l.file)).toEqual([img('test_a.png'), truncated, img('test_d.png')]);
    expect(Object.keys(lines[0])).toEqual(SCORED_FIELDS);
    const a: Scored = lines[0];
    expect(a.regions?.length).toBeGreaterThan(0);
    expect(a.verdict).toBe(a.image_score >= 0.5 ? 'NG' : 'OK');
    // A region's box is [left, top, right, bottom) with right and bottom exclusive.
    for (const g of a.regions ?? []) {
      expect(g.box[2] - g.box[0]).toBeGreaterThan(0);
      expect(g.box[2]).toBeLessThanOrEqual(a.width);
      expect(g.box[3]).toBeLessThanOrEqual(a.height);
      expect(g.area).toBeLessThanOrEqual((g.box[2] - g.box[0]) * (g.box[3] - g.box[1]));
      expect(g.area_percent).toBeCloseTo((100 * g.area) / (a.width * a.height), 12);
    }
    // The Excel CSV: BOM, CRLF, the region count and the top region's fields in their own columns.
    const text = readFileSync(csv, 'utf8');
    expect(
      text.startsWith('\uFEFFfile,width,height,image_score,verdict,max_pixel,regions,top_region_left,'),
    ).toBe(true);
    const rows = text.slice(1).split('\r\n');
    expect(rows).toHaveLength(5);
    const header = rows[0].split(',');
    const row = Object.fromEntries(header.map((h, i) => [h, rows[1].split(',')[i]]));
    expect(Number(row.image_score)).toBe(a.image_score);
    expect(Number(row.regions)).toBe(a.regions?.length);
    expect(Number(row.top_region_peak)).toBe(a.regions?.[0]?.peak);
    expect(row.prompt_set).toBe(doc.prompt_set);
  });

  it('refuses --csv-excel without --csv as a usage error', async () => {
    const r = await winclip(['score', '--model', FIXTURE_DIR, '--csv-excel', img('test_a.png')]);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      'winclip: score: --csv-excel needs --csv <file.csv> (see winclip score --help)\n',
    ]);
  });

  it('honours --temperature', async () => {
    const soft = await score(['--temperature', '0.5', img('test_a.png')]);
    // A softer temperature pulls scores towards 0.5 compared with τ = 0.07.
    const sharpest = await score([img('test_a.png')]);
    expect(Math.abs(soft.images[0].image_score - 0.5)).toBeLessThan(
      Math.abs(sharpest.images[0].image_score - 0.5),
    );
  });

  it('scores a folder recursively past a corrupt file, writes --csv and --maps, and exits 1', async () => {
    const dir = join(tmp, 'parts');
    mkdirSync(join(dir, 'line1'), { recursive: true });
    mkdirSync(join(dir, 'line2'), { recursive: true });
    copyFileSync(img('test_a.png'), join(dir, 'line1', 'part.png'));
    copyFileSync(img('test_d.png'), join(dir, 'line2', 'part.png'));
    writeFileSync(join(dir, 'line2', 'broken.png'), png.subarray(0, 500));
    writeFileSync(join(dir, 'notes.txt'), 'not collected: not an image extension');
    const [out, csv, maps] = [join(tmp, 'parts.json'), join(tmp, 'parts.csv'), join(tmp, 'maps')];
    const r = await winclip(scoreArgs('--out', out, '--csv', csv, '--maps', maps, dir));
    expect(r.code).toBe(1);
    const broken = join(dir, 'line2', 'broken.png');
    expect(r.stderr.trim().split('\n')).toEqual([
      `winclip: ${broken}: corrupt or truncated image data (vipspng: libpng read error)`,
      'winclip: 1 of 3 images could not be scored',
    ]);
    const parsed: Out = JSON.parse(readFileSync(out, 'utf8'));
    expect(parsed.images.map((i) => i.file)).toEqual([
      join(dir, 'line1', 'part.png'),
      broken,
      join(dir, 'line2', 'part.png'),
    ]);
    expect(parsed.images[1]).toEqual({
      file: broken,
      error: `${broken}: corrupt or truncated image data (vipspng: libpng read error)`,
    });
    const [a, , d] = parsed.images;
    const dims = (f: string) => manifest.images.find((i) => i.file === f)!;
    expect([a.width, a.height, d.width, d.height]).toEqual([
      dims('test_a.png').width,
      dims('test_a.png').height,
      dims('test_d.png').width,
      dims('test_d.png').height,
    ]);
    const prov = `${FIXTURE_DIR},${parsed.model.weights_fingerprint},${parsed.prompt_set}`;
    expect(readFileSync(csv, 'utf8')).toBe(
      [
        'file,width,height,image_score,model,weights,prompt_set,error',
        `${a.file},${a.width},${a.height},${a.image_score},${prov},`,
        `${broken},,,,${prov},${parsed.images[1].error}`,
        `${d.file},${d.width},${d.height},${d.image_score},${prov},`,
        '',
      ].join('\r\n'),
    );
    // Equal names in different folders stay apart; the .npy holds exactly the --out map.
    for (const [rel, rec] of [
      ['line1/part.png', a],
      ['line2/part.png', d],
    ] as const) {
      const npy = parseNpyFloat32(new Uint8Array(readFileSync(join(maps, `${rel}.npy`))));
      expect(npy.shape).toEqual([rec.height, rec.width]);
      expect([...npy.data]).toEqual(rec.anomaly_map);
      const overlay = await sharp(join(maps, `${rel}.overlay.png`)).metadata();
      expect([overlay.width, overlay.height, overlay.channels]).toEqual([rec.width, rec.height, 3]);
    }
    expect(existsSync(join(maps, 'line2', 'broken.png.npy'))).toBe(false);
  });

  it('expands a quoted glob', async () => {
    const out = await score([join(FIXTURE_DIR, 'test_[ab].png')]);
    expect(out.images.map((i) => i.file)).toEqual([img('test_a.png'), img('test_b.png')]);
  });

  it('scores TIFFs found in a folder (.tif, .tiff) exactly like PNGs of the pixels Pillow converts them to', async (ctx) => {
    const tiffs = makePillowTiffs(['grey16', 'rgb-lzw']);
    if (!tiffs) return ctx.skip(NO_PILLOW_REASON);
    const dir = join(tmp, 'tiffs');
    mkdirSync(dir);
    copyFileSync(tiffs[0].tif, join(dir, 'a-grey16.tif'));
    copyFileSync(tiffs[1].tif, join(dir, 'b-rgb-lzw.tiff'));
    const fromTiff = await score(['--print-maps', dir]);
    const fromPng = await score(['--print-maps', tiffs[0].png, tiffs[1].png]);
    expect(fromTiff.images.map((i) => i.file)).toEqual([
      join(dir, 'a-grey16.tif'),
      join(dir, 'b-rgb-lzw.tiff'),
    ]);
    fromTiff.images.forEach((t, i) => {
      const p = fromPng.images[i];
      expect([t.width, t.height, t.image_score]).toEqual([p.width, p.height, p.image_score]);
      expect(t.anomaly_map).toEqual(p.anomaly_map);
    });
    // The grey and the colour image score differently: the comparison is not of two constant outputs.
    expect(fromTiff.images[0].image_score).not.toBe(fromTiff.images[1].image_score);
  });

  it('scores generated BMPs and a CMYK JPEG, and reports every refused image by name', async () => {
    const dir = join(tmp, 'formats');
    mkdirSync(dir);
    for (const c of [...BMP_CASES, ...REFUSED_IMAGE_CASES]) writeFileSync(join(dir, c.file), c.bytes());
    writeFileSync(join(dir, 'cmyk.jpg'), (await cmykJpeg(true)).bytes);
    const files = [...BMP_CASES, ...REFUSED_IMAGE_CASES].map((c) => join(dir, c.file));
    const r = await winclip(scoreArgs(...files, join(dir, 'cmyk.jpg')));
    expect(r.code).toBe(1);
    const out: Out = JSON.parse(r.stdout);
    const byFile = new Map(out.images.map((i) => [i.file, i]));
    for (const c of BMP_CASES) {
      const got = byFile.get(join(dir, c.file))!;
      expect([got.error, got.width, got.height]).toEqual([undefined, c.pixels!.width, c.pixels!.height]);
    }
    expect(byFile.get(join(dir, 'cmyk.jpg'))!.image_score).toBeGreaterThan(0);
    for (const c of REFUSED_IMAGE_CASES) {
      const got = byFile.get(join(dir, c.file))!;
      expect(got.error).toContain(c.expect!.replace(`${c.file}:`, `${join(dir, c.file)}:`));
      expect(r.stderr).toContain(`winclip: ${got.error}\n`);
    }
  });

  it.each([
    [
      'a missing model folder',
      ['--model', join(tmp, 'nope'), img('test_a.png')],
      /model folder not found/,
      1,
    ],
    [
      'a missing image',
      ['--model', FIXTURE_DIR, join(tmp, 'nope.png')],
      /^winclip: \S+nope\.png: no such file or folder$/,
      1,
    ],
    [
      'a folder without images',
      ['--model', FIXTURE_DIR, join(FIXTURE_DIR, 'arrays')],
      /arrays: the folder holds no images/,
      1,
    ],
    [
      'a glob matching nothing',
      ['--model', FIXTURE_DIR, join(tmp, '*.webp')],
      /\*\.webp: no file matches this pattern$/,
      1,
    ],
    // Usage errors: exit 2 (argparse's convention), pointing at --help.
    [
      'an unknown flag',
      ['--model', FIXTURE_DIR, '--colour', 'red', img('test_a.png')],
      /^winclip: score: unknown flag '--colour' \(see winclip score --help\)$/,
      2,
    ],
    ['a flag without its value', ['--model'], /^winclip: score: --model needs a value/, 2],
    ['no images', ['--model', FIXTURE_DIR], /at least one image/, 2],
  ])('fails with one clear line for %s', async (_label, args, msg, code) => {
    const r = await winclip(['score', ...args]);
    expect([r.code, r.stdout]).toEqual([code, '']);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(msg);
  });

  it('reports a truncated image and a non-image per file, on stderr and in the results', async () => {
    const r = await winclip(['score', '--model', FIXTURE_DIR, truncated, promptsFile]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/truncated\.png: corrupt or truncated image data/);
    expect(r.stderr).toMatch(/prompts\.json: not an image/);
    expect(JSON.parse(r.stdout).images.map((i: Scored) => Object.keys(i))).toEqual([
      ['file', 'error'],
      ['file', 'error'],
    ]);
  });
});

describe('winclip --help', () => {
  it.each([
    [
      'score',
      [
        '--model',
        '--object',
        '--prompts',
        '--temperature',
        '--ref',
        '--out',
        '--csv',
        '--maps',
        '--jsonl',
        '--csv-excel',
        '--print-maps',
      ],
    ],
    ['eval', ['--data', '--dataset', '--model', '--shots', '--seeds', '--ablation', '--cache', '--no-cache']],
    [
      'synth',
      ['--out', '--categories', '--train', '--test-good', '--test-bad', '--size', '--seed', '--layout'],
    ],
  ])('%s explains every flag, with defaults and examples', async (cmd, flags) => {
    const r = await winclip([cmd, '--help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    for (const f of flags) expect(r.stdout).toMatch(new RegExp(`^  ${f}\\b`, 'm'));
    expect(r.stdout).toMatch(/\[default: /);
    expect(r.stdout).toMatch(new RegExp(`^examples:\\n  winclip ${cmd} `, 'm'));
  });
});
