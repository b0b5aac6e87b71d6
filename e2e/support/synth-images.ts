/**
 * Small distinct PNGs for batch tests: a smooth gradient with a seeded blotch, `width`×`height` pixels
 * (48² by default); `grain` > 0 adds a fine texture to the blue channel (larger, less compressible files).
 */
import sharp from 'sharp';
import type { FileSpec } from './app';

export async function synthPng(seed: number, width = 48, height = width, grain = 0): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  // A small LCG keeps every image reproducible and different from the others.
  let s = (seed * 2654435761) >>> 0 || 1;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const cx = rnd() * width;
  const cy = rnd() * height;
  const r = 3 + rnd() * Math.min(width, height) * 0.2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d = Math.hypot(x - cx, y - cy) < r;
      px[i] = d ? 40 : 120 + Math.round((x / width) * 80);
      px[i + 1] = d ? 30 : 120 + Math.round((y / height) * 60);
      px[i + 2] = d ? 20 : 110 + ((seed * 13) % 40) + (grain > 0 ? (x * y) % grain : 0);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
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
