/**
 * Result writers for `winclip score`, each fed one image at a time so nothing holds every map at once:
 * the JSON document (streamed, maps written in chunks straight from the Float32Array), a CSV table, and
 * per-image .npy maps with overlay PNGs.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import sharp from 'sharp';
import type { RgbImage } from '../core/types';
import { npyHeader } from '../io/npy';
import { colormapLut } from '../render/colormap';

/** Per-image values besides the score (e.g. verdicts at thresholds): JSON fields and CSV columns. */
export type ExtraFields = Record<string, unknown>;

export interface ScoredImage {
  file: string;
  width: number;
  height: number;
  imageScore: number;
  anomalyMap: Float32Array;
  extra?: ExtraFields;
}

export interface FailedImage {
  file: string;
  error: string;
}

export type ImageRecord = ScoredImage | FailedImage;

export const isFailed = (r: ImageRecord): r is FailedImage => 'error' in r;

/** Awaits the stream's drain when its buffer is full, so a huge map never sits in memory as text. */
async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((res) => stream.once('drain', res));
}

/** JSON.stringify's number text: NaN and ±Inf become null. */
const num = (v: number) => (Number.isFinite(v) ? String(v) : 'null');

const MAP_CHUNK = 1 << 16;

/**
 * Streams {"images": [...]} with the documented shape (maps as flat row-major arrays); byte for byte what
 * JSON.stringify gives for the same values, without ever building the whole string.
 */
export class JsonResultsWriter {
  private count = 0;
  private constructor(
    private readonly stream: Writable,
    private readonly withMaps: boolean,
    private readonly ownsStream: boolean,
  ) {}

  static async open(target: string | Writable, withMaps: boolean): Promise<JsonResultsWriter> {
    const owns = typeof target === 'string';
    const stream = owns ? createWriteStream(target) : target;
    if (owns) await new Promise<void>((res, rej) => stream.once('open', () => res()).once('error', rej));
    return new JsonResultsWriter(stream, withMaps, owns);
  }

  async add(r: ImageRecord): Promise<void> {
    const s = this.stream;
    // The opening goes out with the first image, so a terminal shows stderr lines before, not inside, it.
    await write(s, this.count++ > 0 ? ',' : '{"images":[');
    if (isFailed(r)) {
      await write(s, JSON.stringify({ file: r.file, error: r.error }));
      return;
    }
    const head = { file: r.file, width: r.width, height: r.height, image_score: r.imageScore, ...r.extra };
    const text = JSON.stringify(head);
    if (!this.withMaps) {
      await write(s, text);
      return;
    }
    await write(s, `${text.slice(0, -1)},"anomaly_map":[`);
    const m = r.anomalyMap;
    for (let start = 0; start < m.length; start += MAP_CHUNK) {
      const end = Math.min(m.length, start + MAP_CHUNK);
      let chunk = start > 0 ? ',' : '';
      chunk += num(m[start]);
      for (let i = start + 1; i < end; i++) chunk += `,${num(m[i])}`;
      await write(s, chunk);
    }
    await write(s, ']}');
  }

  async close(): Promise<void> {
    await write(this.stream, this.count > 0 ? ']}\n' : '{"images":[]}\n');
    if (this.ownsStream)
      await new Promise<void>((res, rej) => this.stream.end(() => res()).once('error', rej));
  }
}

function csvField(v: unknown): string {
  // Structured values (e.g. the regions list) go into one quoted cell as JSON.
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per image: file,width,height,image_score, then the extra columns, then error (failed images). */
export class CsvWriter {
  private constructor(
    private readonly stream: Writable,
    private readonly extraColumns: string[],
  ) {}

  static async open(path: string, extraColumns: string[] = []): Promise<CsvWriter> {
    const stream = createWriteStream(path);
    await new Promise<void>((res, rej) => stream.once('open', () => res()).once('error', rej));
    const w = new CsvWriter(stream, extraColumns);
    await write(
      stream,
      `${['file', 'width', 'height', 'image_score', ...extraColumns, 'error'].join(',')}\n`,
    );
    return w;
  }

  async add(r: ImageRecord): Promise<void> {
    const row = isFailed(r)
      ? [r.file, '', '', '', ...this.extraColumns.map(() => ''), r.error]
      : [r.file, r.width, r.height, r.imageScore, ...this.extraColumns.map((c) => r.extra?.[c]), ''];
    await write(this.stream, `${row.map(csvField).join(',')}\n`);
  }

  async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.stream.end(() => res()).once('error', rej));
  }
}

/** Overlay opacity and colour scale: turbo over [0, 1], so colours compare across images. */
const OVERLAY_ALPHA = 0.5;

/** The image with its anomaly map coloured (turbo, fixed [0, 1] scale) and blended on top. */
export function overlayPixels(image: RgbImage, map: Float32Array): Uint8Array {
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
  const base = join(dir, rel);
  await mkdir(dirname(base), { recursive: true });
  const fh = await open(`${base}.npy`, 'w');
  try {
    await fh.write(npyHeader([r.height, r.width]));
    const m = r.anomalyMap;
    await fh.write(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
  } finally {
    await fh.close();
  }
  await sharp(overlayPixels(image, r.anomalyMap), { raw: { width: r.width, height: r.height, channels: 3 } })
    .png()
    .toFile(`${base}.overlay.png`);
}
