/**
 * Pixel-level metrics (pixel AUROC, PRO, pixel F1-max) accumulated image by image with bounded memory.
 *
 * Every metric needs, per distinct score t: normal pixels with score t, anomalous pixels with score t,
 * and for PRO the sum of 1/|region| over those anomalous pixels (a region's overlap at threshold t is
 * the fraction of its pixels scoring >= t, so PRO(t) = Σ_{anomalous p, s_p >= t} 1/|region(p)| / #regions).
 * Nothing per image has to be kept beyond that.
 *
 * Storage has two modes:
 *  - exact (default while the pixel count stays under `exactPixelLimit`): one (float32 score key,
 *    region size) pair per pixel, 8 bytes; at the end a radix sort gives every distinct score as its own
 *    threshold: results are exact.
 *  - binned (after the limit is passed, e.g. full-resolution VisA): a histogram over the float32 bit
 *    pattern with the lowest `binShift` bits dropped (default 7: 2^16 bins per power of two, i.e.
 *    scores closer than ~1.5e-5 relative may share a bin). Bins live in lazily allocated pages, so memory
 *    grows with the score range actually used (~1.5 MB per power of two), not with the pixel count.
 *    Bin edges are exact thresholds, so F1-max and the PRO points are a subset of the exact ones; AUROC
 *    counts pairs inside one bin as ties, its deviation from exact is at most `aurocErrorBound`.
 */
import type { MaskRegions } from './components';
import { bitsView, keyFromBits, radixSortInPlace } from './score-key';
import { DescendingSweep, PRO_FPR_LIMIT } from './sweep';

export interface PixelMetrics {
  auroc: number;
  pro: number;
  f1_max: number;
}

export interface PixelMetricsReport extends PixelMetrics {
  pixels: number;
  anomalousPixels: number;
  regions: number;
  /** False when the binned histogram was used. */
  exact: boolean;
  /** Upper bound of |binned AUROC − exact AUROC| (0 when exact). */
  aurocErrorBound: number;
}

export interface PixelAccumulatorOptions {
  /** Pixels kept exactly before switching to the histogram (default 2^23 ≈ 8.4 M pixels ≈ 67 MB). */
  exactPixelLimit?: number;
  /** Low bits of the float32 pattern dropped per bin in binned mode (default 7). */
  binShift?: number;
  /** PRO integration limit (default 0.3). */
  fprLimit?: number;
}

const DEFAULT_EXACT_PIXEL_LIMIT = 1 << 23;
const DEFAULT_BIN_SHIFT = 7;
const PAGE_BITS = 16;

interface BinPage {
  neg: Float64Array;
  pos: Float64Array;
  weight: Float64Array;
}

export class PixelMetricsAccumulator {
  private readonly limit: number;
  private readonly binShift: number;
  private readonly fprLimit: number;
  private positives = 0;
  private negatives = 0;
  private regions = 0;
  // Exact mode: score keys and region sizes (0 = normal pixel).
  private keys: Uint32Array | null = new Uint32Array(0);
  private sizes: Uint32Array | null = new Uint32Array(0);
  private count = 0;
  // Binned mode.
  private pages: (BinPage | undefined)[] | null = null;

  constructor(options: PixelAccumulatorOptions = {}) {
    this.limit = options.exactPixelLimit ?? DEFAULT_EXACT_PIXEL_LIMIT;
    this.binShift = options.binShift ?? DEFAULT_BIN_SHIFT;
    this.fprLimit = options.fprLimit ?? PRO_FPR_LIMIT;
    if (!(this.binShift >= 0 && this.binShift <= 16)) throw new Error('binShift must be in [0, 16]');
  }

  get exact(): boolean {
    return this.pages === null;
  }

  /**
   * Adds one image: its anomaly map (row-major, width×height) and its ground truth (null = all normal).
   * The map must already be at the evaluation resolution of the mask.
   */
  add(map: Float32Array, width: number, height: number, truth: MaskRegions | null): void {
    const n = width * height;
    if (map.length !== n)
      throw new Error(`pixel metrics: map has ${map.length} values, expected ${width}×${height}`);
    if (truth && (truth.width !== width || truth.height !== height)) {
      throw new Error(`pixel metrics: mask is ${truth.width}×${truth.height}, map is ${width}×${height}`);
    }
    const bits = bitsView(map);
    for (let i = 0; i < n; i++) {
      // NaN bit patterns: exponent all ones, mantissa non-zero.
      if ((bits[i] & 0x7fffffff) > 0x7f800000) throw new Error(`pixel metrics: map value ${i} is NaN`);
    }
    const anomalous = truth ? truth.indices.length : 0;
    this.positives += anomalous;
    this.negatives += n - anomalous;
    this.regions += truth ? truth.regions : 0;
    if (this.pages === null && this.count + n > this.limit) this.switchToBins();
    if (this.pages === null) this.addExact(bits, n, truth);
    else this.addBinned(bits, n, truth);
  }

  private addExact(bits: Uint32Array, n: number, truth: MaskRegions | null): void {
    this.reserve(this.count + n);
    const keys = this.keys!;
    const sizes = this.sizes!;
    const base = this.count;
    for (let i = 0; i < n; i++) {
      keys[base + i] = keyFromBits(bits[i]);
      sizes[base + i] = 0;
    }
    if (truth)
      for (let j = 0; j < truth.indices.length; j++) sizes[base + truth.indices[j]] = truth.regionSize[j];
    this.count += n;
  }

  private reserve(needed: number): void {
    const keys = this.keys!;
    if (needed <= keys.length) return;
    const capacity = Math.min(this.limit, Math.max(needed, keys.length * 2, 1 << 16));
    const k = new Uint32Array(capacity);
    const s = new Uint32Array(capacity);
    k.set(keys.subarray(0, this.count));
    s.set(this.sizes!.subarray(0, this.count));
    this.keys = k;
    this.sizes = s;
  }

  private page(bin: number): BinPage {
    const pages = this.pages!;
    const id = bin >>> PAGE_BITS;
    let p = pages[id];
    if (!p) {
      const len = 1 << PAGE_BITS;
      p = { neg: new Float64Array(len), pos: new Float64Array(len), weight: new Float64Array(len) };
      pages[id] = p;
    }
    return p;
  }

  private addToBin(key: number, regionSize: number): void {
    const bin = key >>> this.binShift;
    const p = this.page(bin);
    const o = bin & ((1 << PAGE_BITS) - 1);
    if (regionSize === 0) p.neg[o]++;
    else {
      p.pos[o]++;
      p.weight[o] += 1 / regionSize;
    }
  }

  private addBinned(bits: Uint32Array, n: number, truth: MaskRegions | null): void {
    const shift = this.binShift;
    let next = 0;
    const idx = truth?.indices;
    let pageId = -1;
    let p: BinPage | null = null;
    for (let i = 0; i < n; i++) {
      const bin = keyFromBits(bits[i]) >>> shift;
      const id = bin >>> PAGE_BITS;
      if (id !== pageId) {
        p = this.page(bin);
        pageId = id;
      }
      const o = bin & ((1 << PAGE_BITS) - 1);
      if (idx && next < idx.length && idx[next] === i) {
        p!.pos[o]++;
        p!.weight[o] += 1 / truth!.regionSize[next];
        next++;
      } else p!.neg[o]++;
    }
  }

  private switchToBins(): void {
    const pageCount = 2 ** (32 - this.binShift - PAGE_BITS);
    this.pages = new Array(pageCount);
    const keys = this.keys!;
    const sizes = this.sizes!;
    for (let i = 0; i < this.count; i++) this.addToBin(keys[i], sizes[i]);
    this.keys = null;
    this.sizes = null;
    this.count = 0;
  }

  /** Computes the metrics over everything added so far. Exact mode sorts the stored pixels in place. */
  result(): PixelMetricsReport {
    const totals = { positives: this.positives, negatives: this.negatives, regions: this.regions };
    const sweep = new DescendingSweep(totals, this.fprLimit);
    let tiePairs = 0;
    if (this.pages === null) {
      const n = this.count;
      const keys = this.keys!;
      const sizes = this.sizes!;
      radixSortInPlace(keys, sizes, n);
      let i = n - 1;
      while (i >= 0) {
        const k = keys[i];
        let neg = 0;
        let pos = 0;
        let weight = 0;
        while (i >= 0 && keys[i] === k) {
          const s = sizes[i];
          if (s === 0) neg++;
          else {
            pos++;
            weight += 1 / s;
          }
          i--;
        }
        sweep.push(neg, pos, weight, k);
      }
    } else {
      const pages = this.pages;
      for (let id = pages.length - 1; id >= 0; id--) {
        const p = pages[id];
        if (!p) continue;
        for (let o = (1 << PAGE_BITS) - 1; o >= 0; o--) {
          const neg = p.neg[o];
          const pos = p.pos[o];
          if (neg === 0 && pos === 0) continue;
          tiePairs += neg * pos;
          sweep.push(neg, pos, p.weight[o]);
        }
      }
    }
    const r = sweep.result();
    const pairs = this.positives * this.negatives;
    return {
      auroc: r.auroc,
      pro: r.pro,
      f1_max: r.f1Max,
      pixels: this.positives + this.negatives,
      anomalousPixels: this.positives,
      regions: this.regions,
      exact: this.pages === null,
      aurocErrorBound: pairs > 0 ? (0.5 * tiePairs) / pairs : 0,
    };
  }
}

/** Convenience: pixel metrics of a list of maps with their masks (exact unless over the limit). */
export function pixelMetrics(
  items: { map: Float32Array; width: number; height: number; truth: MaskRegions | null }[],
  options?: PixelAccumulatorOptions,
): PixelMetricsReport {
  const acc = new PixelMetricsAccumulator(options);
  for (const it of items) acc.add(it.map, it.width, it.height, it.truth);
  return acc.result();
}
