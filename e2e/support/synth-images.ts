/** Small distinct PNGs for batch tests: a smooth gradient with a seeded blotch, `side`² pixels. */
import sharp from 'sharp';
import type { FileSpec } from './app';

export async function synthPng(seed: number, side = 48): Promise<Buffer> {
  const px = Buffer.alloc(side * side * 3);
  // A small LCG keeps every image reproducible and different from the others.
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const cx = rnd() * side;
  const cy = rnd() * side;
  const r = 3 + rnd() * side * 0.2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = (y * side + x) * 3;
      const d = Math.hypot(x - cx, y - cy) < r;
      px[i] = d ? 40 : 120 + Math.round((x / side) * 80);
      px[i + 1] = d ? 30 : 120 + Math.round((y / side) * 60);
      px[i + 2] = d ? 20 : 110 + ((seed * 13) % 40);
    }
  }
  return sharp(px, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

export async function synthFiles(n: number, prefix = 'part', from = 0): Promise<FileSpec[]> {
  const out: FileSpec[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      name: `${prefix}-${String(from + i).padStart(3, '0')}.png`,
      bytes: await synthPng(from + i + 1),
    });
  }
  return out;
}
