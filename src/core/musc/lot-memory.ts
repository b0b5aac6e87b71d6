/**
 * What a lot holds in memory (MuSc, ../shared/docs/METHOD-musc.md), and how many images fit a byte
 * budget. Each image keeps its F feature sets (P×C floats each) and class token (E floats); each ordered
 * pair keeps F×P nearest distances, so a lot of N holds N·image + N·(N−1)·pair bytes — the same sum
 * `MuscLot.bytes()` reports. The browser bounds a lot by this (its worker shares one tab's memory with
 * the model); the CLI does not: a Node process takes what the machine has.
 */
import type { MuscSettings } from './settings';

export interface LotFootprint {
  /** Bytes one image keeps: features and class token. */
  imageBytes: number;
  /** Bytes one ordered pair keeps: F×P distances. */
  pairBytes: number;
}

/** The model's sizes the footprint depends on. */
export interface LotModelSizes {
  patchSize: number;
  /** Vision width C. */
  visionWidth: number;
  /** Class-token embedding width E. */
  embedDim: number;
}

export function lotFootprint(
  s: Pick<MuscSettings, 'size' | 'layers' | 'rList'>,
  m: LotModelSizes,
): LotFootprint {
  const f = s.layers.length * s.rList.length;
  const p = (s.size / m.patchSize) ** 2;
  return { imageBytes: (f * p * m.visionWidth + m.embedDim) * 4, pairBytes: f * p * 4 };
}

/** Bytes a lot of `n` images holds. */
export function lotBytes(n: number, fp: LotFootprint): number {
  return n * fp.imageBytes + n * Math.max(0, n - 1) * fp.pairBytes;
}

/** The most images a lot can hold within `budget` bytes (0 when not even one fits). */
export function lotCapacity(budget: number, fp: LotFootprint): number {
  if (!(budget >= fp.imageBytes)) return 0;
  // pair·n² + (image − pair)·n ≤ budget: the positive root, then made exact against float rounding.
  const a = fp.pairBytes;
  const b = fp.imageBytes - fp.pairBytes;
  let n = a > 0 ? Math.floor((-b + Math.sqrt(b * b + 4 * a * budget)) / (2 * a)) : Math.floor(budget / b);
  while (lotBytes(n + 1, fp) <= budget) n++;
  while (n > 0 && lotBytes(n, fp) > budget) n--;
  return n;
}

/** The browser's budget for one lot: a quarter of the device's memory, between 512 MiB and 2 GiB. */
export function browserLotBudget(deviceMemoryGiB: number | undefined): number {
  const GiB = 2 ** 30;
  const quarter = deviceMemoryGiB && deviceMemoryGiB > 0 ? (deviceMemoryGiB * GiB) / 4 : GiB;
  return Math.min(2 * GiB, Math.max(GiB / 2, quarter));
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** Why the lot refuses one more image. */
export function lotFullMessage(capacity: number, fp: LotFootprint, budget: number): string {
  return (
    `Lot mode holds at most ${capacity} images of this model in this browser: each image keeps ` +
    `${mib(fp.imageBytes)} of features and ${(fp.pairBytes / 1024).toFixed(1)} KiB of distances per other ` +
    `image, and a lot may use ${mib(budget)}. Remove images from the gallery, or score larger lots ` +
    'with the command-line tool (winclip score --method musc).'
  );
}
