/**
 * Result writers for `winclip score`, each fed one image at a time so nothing holds every map at once:
 * the results document (src/core/results-format.ts; streamed, maps written in chunks straight from the
 * Float32Array), JSON Lines, a CSV table (src/core/results-csv.ts), and per-image .npy maps with overlay
 * PNGs (named by src/core/map-files.ts).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import sharp from 'sharp';
import { mapFileNames } from '../core/map-files';
import { type CsvColumn, type CsvContext, type CsvOptions, csvHeader, csvRow } from '../core/results-csv';
import type { ImageRecord, ResultsHeader } from '../core/results-format';
import type { RgbImage } from '../core/types';
import { npyHeader } from '../io/npy';
import { colormapLut } from '../render/colormap';
import { EXIT } from './exit-codes';

/** A scored image's record and its map (the map goes into JSON only when maps are asked for). */
export interface ScoredImage {
  record: ImageRecord;
  width: number;
  height: number;
  anomalyMap: Float32Array;
}

/** A record to write: scored (with its map) or failed ({file, error}). */
export type ResultEntry = ScoredImage | { record: ImageRecord; anomalyMap?: undefined };

/** Awaits the stream's drain when its buffer is full, so a huge map never sits in memory as text. */
async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((res) => stream.once('drain', res));
}

/** JSON.stringify's number text: NaN and ±Inf become null. */
const num = (v: number) => (Number.isFinite(v) ? String(v) : 'null');

const MAP_CHUNK = 1 << 16;

/** One record as JSON, with "anomaly_map" last when `map` is given; the map is written in chunks. */
async function writeRecord(s: Writable, record: ImageRecord, map: Float32Array | undefined): Promise<void> {
  const text = JSON.stringify(record);
  if (!map) {
    await write(s, text);
    return;
  }
  await write(s, `${text.slice(0, -1)},"anomaly_map":[`);
  for (let start = 0; start < map.length; start += MAP_CHUNK) {
    const end = Math.min(map.length, start + MAP_CHUNK);
    let chunk = start > 0 ? ',' : '';
    chunk += num(map[start]);
    for (let i = start + 1; i < end; i++) chunk += `,${num(map[i])}`;
    await write(s, chunk);
  }
  await write(s, ']}');
}

async function openFile(path: string): Promise<Writable> {
  const stream = createWriteStream(path);
  await new Promise<void>((res, rej) => stream.once('open', () => res()).once('error', rej));
  return stream;
}

const endStream = (s: Writable) => new Promise<void>((res, rej) => s.end(() => res()).once('error', rej));

/**
 * Streams the results document ({"format", "version", provenance…, "images": [...]}, maps as flat
 * row-major arrays); byte for byte what JSON.stringify gives for the same values, without ever building
 * the whole string.
 */
export class JsonResultsWriter {
  private count = 0;
  private constructor(
    private readonly stream: Writable,
    private readonly withMaps: boolean,
    private readonly ownsStream: boolean,
    private readonly head: string,
  ) {}

  static async open(
    target: string | Writable,
    withMaps: boolean,
    header: ResultsHeader,
  ): Promise<JsonResultsWriter> {
    const owns = typeof target === 'string';
    const stream = owns ? await openFile(target) : target;
    return new JsonResultsWriter(stream, withMaps, owns, `${JSON.stringify(header).slice(0, -1)},"images":[`);
  }

  async add(r: ResultEntry): Promise<void> {
    // The opening goes out with the first image, so a terminal shows stderr lines before, not inside, it.
    await write(this.stream, this.count++ > 0 ? ',' : this.head);
    await writeRecord(this.stream, r.record, this.withMaps ? r.anomalyMap : undefined);
  }

  async close(): Promise<void> {
    await write(this.stream, `${this.count > 0 ? '' : this.head}]}\n`);
    if (this.ownsStream) await endStream(this.stream);
  }
}

/** JSON Lines: one image record per line as each image finishes, nothing around them. */
export class JsonLinesWriter {
  constructor(
    private readonly stream: Writable,
    private readonly withMaps: boolean,
  ) {}

  async add(r: ResultEntry): Promise<void> {
    await writeRecord(this.stream, r.record, this.withMaps ? r.anomalyMap : undefined);
    await write(this.stream, '\n');
  }
}

/** One row per image (src/core/results-csv.ts), written as each image finishes. */
export class CsvWriter {
  private constructor(
    private readonly stream: Writable,
    private readonly columns: CsvColumn[],
    private readonly ctx: CsvContext,
    private readonly opts: CsvOptions,
  ) {}

  static async open(
    path: string,
    columns: CsvColumn[],
    ctx: CsvContext,
    opts: CsvOptions = {},
  ): Promise<CsvWriter> {
    const stream = await openFile(path);
    await write(stream, csvHeader(columns, opts));
    return new CsvWriter(stream, columns, ctx, opts);
  }

  async add(r: ResultEntry): Promise<void> {
    await write(this.stream, csvRow(r.record, this.columns, this.ctx, this.opts));
  }

  async close(): Promise<void> {
    await endStream(this.stream);
  }
}

/** The flags that choose where a `score` run's results go. */
export interface SinkFlags {
  out?: string;
  jsonl?: boolean;
  csv?: string;
  'csv-excel'?: boolean;
  'print-maps'?: boolean;
}

/**
 * Every place a `score` run writes its results, fed one entry at a time: the JSON document (stdout, or
 * --out), JSON Lines on stdout (--jsonl replaces the document there; with --out it still goes to the
 * file), and CSV (--csv).
 */
export class ResultSinks {
  private constructor(
    private readonly json: JsonResultsWriter | null,
    private readonly lines: JsonLinesWriter | null,
    private readonly csv: CsvWriter | null,
  ) {}

  static async open(
    values: SinkFlags,
    header: ResultsHeader,
    columns: CsvColumn[],
    ctx: CsvContext,
  ): Promise<ResultSinks> {
    const printMaps = !!values['print-maps'];
    const json =
      values.out || !values.jsonl
        ? await JsonResultsWriter.open(values.out ?? process.stdout, !!values.out || printMaps, header)
        : null;
    const lines = values.jsonl ? new JsonLinesWriter(process.stdout, printMaps) : null;
    const csv = values.csv
      ? await CsvWriter.open(values.csv, columns, ctx, { excel: !!values['csv-excel'] })
      : null;
    return new ResultSinks(json, lines, csv);
  }

  async add(entry: ResultEntry): Promise<void> {
    await this.lines?.add(entry);
    await this.json?.add(entry);
    await this.csv?.add(entry);
  }

  async close(): Promise<void> {
    await this.json?.close();
    await this.csv?.close();
  }
}

/**
 * A `score` run's exit status: a broken input outranks an NG part (the run did not inspect everything
 * it was given); NG parts fail the run only with --fail-on-ng.
 */
export function scoreExitCode(
  run: { failed: number; total: number; ng: number },
  failOnNg: boolean,
  quiet: boolean,
): number {
  if (run.failed > 0) {
    process.stderr.write(`winclip: ${run.failed} of ${run.total} images could not be scored\n`);
    return EXIT.failure;
  }
  if (failOnNg && run.ng > 0) {
    if (!quiet) process.stderr.write(`winclip: ${run.ng} of ${run.total} images are NG\n`);
    return EXIT.ng;
  }
  return EXIT.ok;
}

/** Overlay opacity and colour scale: turbo over [0, 1], so colours compare across images. */
const OVERLAY_ALPHA = 0.5;

/** The image with its anomaly map coloured (turbo, fixed [0, 1] scale) and blended on top. */
function overlayPixels(image: RgbImage, map: Float32Array): Uint8Array {
  if (map.length !== image.width * image.height)
    throw new Error(`overlay: map of ${map.length} values for a ${image.width}×${image.height} image`);
  const lut = colormapLut('turbo');
  const out = new Uint8Array(image.data.length);
  const a = OVERLAY_ALPHA;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    const k = (Number.isFinite(v) ? Math.min(255, Math.max(0, Math.round(v * 255))) : 0) * 4;
    for (let c = 0; c < 3; c++) out[3 * i + c] = Math.round((1 - a) * image.data[3 * i + c] + a * lut[k + c]);
  }
  return out;
}

/** Writes <dir>/<rel>.npy (float32 [H, W]) and <dir>/<rel>.overlay.png for one scored image. */
export async function writeMapFiles(
  dir: string,
  rel: string,
  image: RgbImage,
  r: ScoredImage,
): Promise<void> {
  const names = mapFileNames(rel);
  const npy = join(dir, names.npy);
  await mkdir(dirname(npy), { recursive: true });
  const fh = await open(npy, 'w');
  try {
    await fh.write(npyHeader([r.height, r.width]));
    const m = r.anomalyMap;
    await fh.write(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
  } finally {
    await fh.close();
  }
  await sharp(overlayPixels(image, r.anomalyMap), { raw: { width: r.width, height: r.height, channels: 3 } })
    .png()
    .toFile(join(dir, names.overlay));
}
