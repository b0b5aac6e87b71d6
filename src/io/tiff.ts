/**
 * TIFF decoder to 8-bit RGB with Pillow's `Image.open(p).convert('RGB')` results, shared by the CLI and
 * the app's workers. geotiff (loaded on first use) parses the first IFD and gives raw samples (strips or
 * tiles; none, LZW, Deflate or PackBits; either byte order; horizontal predictor); the reduction to RGB is
 * ours, matching what Pillow 9.4 and 12.3 were observed to do (scripts in test/tiff/):
 *   - 8-bit grey is replicated; MinIsWhite grey is inverted (255 − v), as Pillow's "L;I" reader does;
 *   - 16-bit grey is CLIPPED to 255 (0, 1, 255, 256, 300, 65535 → 0, 1, 255, 255, 255, 255): Pillow reads
 *     it as mode I;16 and its I;16 → RGB conversion clips; it does not scale by 1/256;
 *   - 16-bit RGB(A) keeps the high byte (v >> 8): Pillow's "RGB;16L/B" unpackers read it that way;
 *   - alpha is dropped, not composited; premultiplied (associated) alpha is first undone as Pillow's
 *     "RGBa" unpacker does: c = a ? min(255, ⌊c·255 / a⌋) : 0, on the 8-bit (high-byte) samples.
 * Everything else (float or signed samples, other depths, palette, CMYK, YCbCr, JPEG-in-TIFF, planes
 * stored separately, 16-bit MinIsWhite, which Pillow reads without inverting) is refused in one line.
 * Only the first page is read; the Orientation tag is not applied (Pillow's open() does not apply it).
 */
import type { RgbImage } from '../core/types';
import { pixelLimitProblem, readTiffTags } from './image-header';

class TiffError extends Error {
  override name = 'TiffError';
}

/** What is decoded, for the end of every refusal. */
const TIFF_SUPPORTED_TEXT = '8-bit grey/RGB/RGBA, 16-bit grey or 16-bit RGB/RGBA only';

const COMPRESSIONS: Record<number, string> = {
  1: 'none',
  5: 'LZW',
  8: 'Deflate',
  32946: 'Deflate',
  32773: 'PackBits',
};
const REFUSED_COMPRESSIONS: Record<number, string> = {
  2: 'CCITT fax-compressed',
  3: 'CCITT fax-compressed',
  4: 'CCITT fax-compressed',
  6: 'JPEG-compressed',
  7: 'JPEG-compressed',
  34712: 'JPEG 2000-compressed',
  34887: 'LERC-compressed',
  50000: 'Zstandard-compressed',
  50001: 'WebP-compressed',
};
const PHOTOMETRIC_NAMES: Record<number, string> = {
  3: 'palette (indexed colour)',
  4: 'transparency-mask',
  5: 'CMYK',
  6: 'YCbCr',
  8: 'CIE L*a*b*',
  9: 'ICC L*a*b*',
  10: 'ITU L*a*b*',
  32844: 'LogL',
  32845: 'LogLuv',
  32803: 'raw camera (CFA)',
  34892: 'linear raw',
};
const MIN_IS_WHITE = 0;
const MIN_IS_BLACK = 1;
const RGB = 2;
const ASSOCIATED_ALPHA = 1;
const UNASSOCIATED_ALPHA = 2;

interface Layout {
  bits: 8 | 16;
  /** Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGB + alpha or extra sample. */
  spp: number;
  photometric: number;
  premultiplied: boolean;
}

type Tags = { loadValue(name: string): Promise<unknown>; hasTag(name: string): boolean };

function numbers(v: unknown): number[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return [v];
  return Array.from(v as ArrayLike<number>);
}

/** The layout when it is one of ours, else a one-line refusal. */
async function layoutOf(tags: Tags, name: string): Promise<Layout> {
  const tag = async (key: string) => numbers(await tags.loadValue(key));
  const refuse = (what: string) =>
    new TiffError(`${name}: ${what} TIFF is not supported (${TIFF_SUPPORTED_TEXT})`);
  const compression = (await tag('Compression'))[0] ?? 1;
  if (!COMPRESSIONS[compression])
    throw refuse(REFUSED_COMPRESSIONS[compression] ?? `compression ${compression}`);
  const spp = (await tag('SamplesPerPixel'))[0] ?? 1;
  const bitsList = await tag('BitsPerSample');
  const bits = bitsList[0] ?? 1;
  const formats = await tag('SampleFormat');
  const format = formats[0] ?? 1;
  if (format === 3) throw refuse(`${bits}-bit float`);
  if (format === 2) throw refuse(`${bits}-bit signed-integer`);
  if (format !== 1 || formats.some((f) => f !== format)) throw refuse(`sample format ${formats.join('/')}`);
  if (bitsList.some((b) => b !== bits)) throw refuse(`mixed-depth (${bitsList.join('/')}-bit)`);
  if (bits !== 8 && bits !== 16) throw refuse(`${bits}-bit`);
  const photometric = (await tag('PhotometricInterpretation'))[0];
  if (photometric === undefined) throw refuse('photometric-less');
  if (photometric !== MIN_IS_WHITE && photometric !== MIN_IS_BLACK && photometric !== RGB)
    throw refuse(PHOTOMETRIC_NAMES[photometric] ?? `photometric ${photometric}`);
  const planar = (await tag('PlanarConfiguration'))[0] ?? 1;
  if (planar !== 1 && spp > 1) throw refuse('separate-plane (PlanarConfiguration 2)');
  const extra = await tag('ExtraSamples');
  const grey = photometric !== RGB;
  if (grey && photometric === MIN_IS_WHITE && (bits !== 8 || spp !== 1))
    // Pillow reads 16-bit MinIsWhite as plain I;16 (not inverted) and cannot open it with alpha.
    throw refuse(`${bits}-bit MinIsWhite grey${spp > 1 ? ' with alpha' : ''}`);
  if (grey && spp === 2 && (bits !== 8 || extra[0] !== UNASSOCIATED_ALPHA))
    // Pillow opens only 8-bit grey with unassociated alpha ("LA").
    throw refuse(
      `${bits}-bit grey with ${extra[0] === UNASSOCIATED_ALPHA ? '' : 'premultiplied or unmarked '}alpha`,
    );
  if ((grey && spp > 2) || (!grey && (spp < 3 || spp > 4)))
    throw refuse(`${grey ? 'grey' : 'RGB'} ${spp}-sample`);
  return { bits, spp, photometric, premultiplied: !grey && spp === 4 && extra[0] === ASSOCIATED_ALPHA };
}

const TAG_NUMBERS: Record<string, number> = {
  Compression: 259,
  SamplesPerPixel: 277,
  BitsPerSample: 258,
  SampleFormat: 339,
  PhotometricInterpretation: 262,
  PlanarConfiguration: 284,
  ExtraSamples: 338,
};

/**
 * Why a TIFF cannot be decoded, from its header alone (the app refuses it at the drop), or null when the
 * layout is one of ours or its IFD lies beyond `head` (then the decoder decides).
 */
export async function tiffLayoutProblem(head: Uint8Array, name: string): Promise<string | null> {
  const tags = readTiffTags(head);
  if (!tags) return null;
  try {
    await layoutOf({ loadValue: async (key) => tags.get(TAG_NUMBERS[key]), hasTag: () => true }, name);
    return null;
  } catch (err) {
    if (err instanceof TiffError) return err.message;
    throw err;
  }
}

/** Samples (interleaved, any depth) → 8-bit RGB, by Pillow's rules (see the file comment). */
export function tiffSamplesToRgb(
  samples: Uint8Array | Uint16Array,
  width: number,
  height: number,
  layout: Layout,
): Uint8Array {
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const { spp, bits } = layout;
  if (layout.photometric !== RGB) {
    const invert = layout.photometric === MIN_IS_WHITE;
    for (let i = 0, j = 0; i < n; i++, j += spp) {
      const raw = samples[j];
      // 16-bit grey clips (Pillow I;16 → RGB), 8-bit passes, MinIsWhite 8-bit inverts.
      const v = bits === 16 ? Math.min(raw, 255) : invert ? 255 - raw : raw;
      out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = v;
    }
    return out;
  }
  const shift = bits === 16 ? 8 : 0;
  for (let i = 0, j = 0; i < n; i++, j += spp) {
    let r = samples[j] >> shift;
    let g = samples[j + 1] >> shift;
    let b = samples[j + 2] >> shift;
    if (layout.premultiplied) {
      const a = samples[j + 3] >> shift;
      if (a === 0) r = g = b = 0;
      else if (a !== 255) {
        r = Math.min(255, Math.floor((r * 255) / a));
        g = Math.min(255, Math.floor((g * 255) / a));
        b = Math.min(255, Math.floor((b * 255) / a));
      }
    }
    out[3 * i] = r;
    out[3 * i + 1] = g;
    out[3 * i + 2] = b;
  }
  return out;
}

/** Whether a strip or tile lies past the end of the file (geotiff would read it short and carry on). */
async function blocksPastEnd(tags: Tags, size: number): Promise<string | null> {
  const tiled = !tags.hasTag('StripOffsets');
  const offsets = numbers(await tags.loadValue(tiled ? 'TileOffsets' : 'StripOffsets'));
  const counts = numbers(await tags.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts'));
  if (offsets.length === 0) return `no ${tiled ? 'tile' : 'strip'} offsets`;
  for (let i = 0; i < offsets.length; i++) {
    const end = offsets[i] + (counts[i] ?? 0);
    if (end > size) return `the file has ${size} bytes; ${tiled ? 'tile' : 'strip'} ${i} ends at byte ${end}`;
  }
  return null;
}

function reason(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
  return line ? ` (${line.length > 160 ? `${line.slice(0, 157)}...` : line})` : '';
}

/** Decodes the first page of a TIFF; `name` labels error messages. */
export async function decodeTiff(bytes: Uint8Array, name = 'image.tif'): Promise<RgbImage> {
  const corrupt = (err: unknown) =>
    new TiffError(`${name}: corrupt or truncated TIFF data${reason(err)}`, { cause: err });
  const { fromArrayBuffer } = await import('geotiff');
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
  let image: Awaited<ReturnType<Awaited<ReturnType<typeof fromArrayBuffer>>['getImage']>>;
  try {
    image = await (await fromArrayBuffer(buffer)).getImage(0);
  } catch (err) {
    throw corrupt(err);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  if (!(width > 0 && height > 0)) throw corrupt(`size ${width}×${height}`);
  const tooBig = pixelLimitProblem(name, width, height);
  if (tooBig) throw new TiffError(tooBig);
  const tags = image.getFileDirectory() as unknown as Tags;
  const layout = await layoutOf(tags, name);
  const cut = await blocksPastEnd(tags, bytes.length);
  if (cut) throw corrupt(cut);
  let samples: unknown;
  try {
    samples = await image.readRasters({ interleave: true });
  } catch (err) {
    throw corrupt(err);
  }
  if (
    !(samples instanceof Uint8Array || samples instanceof Uint16Array) ||
    samples.length < width * height * layout.spp
  )
    throw corrupt('fewer samples than the image size needs');
  return { width, height, data: tiffSamplesToRgb(samples, width, height, layout) };
}
