/**
 * Writes a synthetic anomaly-detection benchmark: MVTec-AD layout by default
 * (<cat>/train/good/000.png, <cat>/test/{good,<defect>}/000.png, <cat>/ground_truth/<defect>/000_mask.png,
 * masks 0/255), or the VisA layout (split_csv/1cls.csv, <cat>/Data/Images/{Normal,Anomaly},
 * <cat>/Data/Masks/Anomaly with the defect class index as mask value). Deterministic given the seed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { hashString, mulberry32 } from '../core/random';
import { baseColour, DEFECT_TYPES, type DefectType, plantDefect, renderNormal, styleFor } from './render';

export interface SynthOptions {
  outDir: string;
  categories: string[];
  /** Normal training images per category. */
  train: number;
  /** Normal test images per category. */
  testGood: number;
  /** Defective test images per category (defect types in turn). */
  testBad: number;
  /** Image side in pixels. */
  size: number;
  seed: number;
  layout?: 'mvtec' | 'visa';
}

export const DEFAULT_SYNTH_CATEGORIES = ['washer', 'fabric'];

export interface SynthSummary {
  layout: 'mvtec' | 'visa';
  categories: Record<
    string,
    { train: number; testGood: number; testBad: Partial<Record<DefectType, number>> }
  >;
}

async function writePng(path: string, data: Uint8Array, size: number, channels: 1 | 3): Promise<void> {
  let img = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    raw: { width: size, height: size, channels },
  });
  // Masks are 8-bit greyscale PNGs, as in MVTec-AD and VisA (sharp would otherwise write RGB).
  if (channels === 1) img = img.toColourspace('b-w');
  const png = await img.png().toBuffer();
  await writeFile(path, png);
}

const pad = (i: number, n = 3) => String(i).padStart(n, '0');

export async function generateSynthDataset(o: SynthOptions): Promise<SynthSummary> {
  const layout = o.layout ?? 'mvtec';
  for (const [name, v] of Object.entries({ train: o.train, testGood: o.testGood, testBad: o.testBad })) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`synth: ${name} must be a non-negative integer`);
  }
  if (!Number.isInteger(o.size) || o.size < 16) throw new Error('synth: size must be an integer >= 16');
  if (o.categories.length === 0) throw new Error('synth: no categories');
  for (const c of o.categories)
    if (!/^[A-Za-z0-9_-]+$/.test(c)) throw new Error(`synth: bad category name '${c}'`);
  const summary: SynthSummary = { layout, categories: {} };
  const csv: string[] = ['object,split,label,image,mask'];
  for (const category of o.categories) {
    const rand = mulberry32(hashString(`${category}\u0000${o.seed}`));
    const style = styleFor(category);
    const colour = baseColour(hashString(category));
    const dir = join(o.outDir, category);
    const counts: Partial<Record<DefectType, number>> = {};
    const mk = (p: string) => mkdir(join(dir, p), { recursive: true });
    if (layout === 'mvtec') {
      await mk('train/good');
      await mk('test/good');
    } else {
      await mk('Data/Images/Normal');
      await mk('Data/Images/Anomaly');
      await mk('Data/Masks/Anomaly');
    }
    let normalIndex = 0;
    for (let i = 0; i < o.train + o.testGood; i++) {
      const { canvas } = renderNormal(style, o.size, colour, rand);
      const isTrain = i < o.train;
      if (layout === 'mvtec') {
        const rel = isTrain ? `train/good/${pad(i)}.png` : `test/good/${pad(i - o.train)}.png`;
        await writePng(join(dir, rel), canvas.rgb, o.size, 3);
      } else {
        const rel = `Data/Images/Normal/${pad(normalIndex++, 4)}.png`;
        await writePng(join(dir, rel), canvas.rgb, o.size, 3);
        csv.push(`${category},${isTrain ? 'train' : 'test'},normal,${category}/${rel},`);
      }
    }
    for (let i = 0; i < o.testBad; i++) {
      const type = DEFECT_TYPES[i % DEFECT_TYPES.length];
      const { canvas, region } = renderNormal(style, o.size, colour, rand);
      const mask = plantDefect(canvas, region, type, rand);
      const n = counts[type] ?? 0;
      counts[type] = n + 1;
      if (layout === 'mvtec') {
        await mk(`test/${type}`);
        await mk(`ground_truth/${type}`);
        await writePng(join(dir, `test/${type}/${pad(n)}.png`), canvas.rgb, o.size, 3);
        await writePng(
          join(dir, `ground_truth/${type}/${pad(n)}_mask.png`),
          mask.map((m) => m * 255),
          o.size,
          1,
        );
      } else {
        const img = `Data/Images/Anomaly/${pad(i)}.png`;
        const msk = `Data/Masks/Anomaly/${pad(i)}.png`;
        const classIndex = DEFECT_TYPES.indexOf(type) + 1;
        await writePng(join(dir, img), canvas.rgb, o.size, 3);
        await writePng(
          join(dir, msk),
          mask.map((m) => m * classIndex),
          o.size,
          1,
        );
        csv.push(`${category},test,anomaly,${category}/${img},${category}/${msk}`);
      }
    }
    summary.categories[category] = { train: o.train, testGood: o.testGood, testBad: counts };
  }
  if (layout === 'visa') {
    await mkdir(join(o.outDir, 'split_csv'), { recursive: true });
    await writeFile(join(o.outDir, 'split_csv', '1cls.csv'), `${csv.join('\n')}\n`);
  }
  return summary;
}
