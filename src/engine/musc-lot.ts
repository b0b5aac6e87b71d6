/**
 * A lot (MuSc mutual scoring, ../shared/docs/METHOD-musc.md): unlabeled images scored against each
 * other. The lot keeps, per image, what scoring needs again and again — its LNAMD features and class
 * token — and, per ordered pair (i → j), the nearest distances of i's patches to j's. Adding an image to
 * a lot of N computes only its N new pairs (one `nearestDistances` call gives both directions);
 * `scores()` then redoes only the cheap part (MSM, means, maps, RsCIN) for the whole lot.
 *
 * Memory, per image (F = |r list|·|layers| feature sets, P patches, C width, E embedding):
 * - features F·P·C·4 bytes: 12·225·896·4 = 9.7 MB for ViT-B-16-plus-240 at S = 240, 12·1369·1024·4 =
 *   67 MB for ViT-L-14 at S = 518. They stay because each later image is compared with every earlier one.
 * - distances F·P·4 bytes per other image: 10.8 KB per pair for ViT-B-16-plus-240 at S = 240, so a
 *   lot of 200 holds 200·199·10.8 KB = 430 MB. All N−1 are kept (not only the ranks the interval needs)
 *   because removing an image or growing the lot changes which ranks are needed; `bytes()` reports the
 *   total, and the caller bounds the lot by it.
 */
import { lnamdFeatures, summedAreaTableLength } from '../core/musc/lnamd';
import { checkedRankRange, lotTooSmallMessage, meanOverLayersAndR, msmScores } from '../core/musc/msm';
import { rscin } from '../core/musc/rscin';
import { featureSetCount, type MuscSettings, minLotSize } from '../core/musc/settings';
import { mapMax, upsampleAlignCorners } from '../core/musc/upsample';
import { SerialQueue } from '../core/serial-queue';
import type { RgbImage } from '../core/types';
import type { MuscDevice, MuscTokens } from './musc-api';

/** One image's result in a scored lot. */
export interface LotImageScore {
  key: string;
  /** The final score: RsCIN, min-max normalised within this lot (so not comparable across lots). */
  imageScore: number;
  /** The max of the map before RsCIN: comparable across lots of the same settings. */
  maxScore: number;
  /** size×size, row-major. */
  map: Float32Array;
  size: number;
}

export type LotScores =
  | { ready: true; images: LotImageScore[] }
  | { ready: false; have: number; need: number; more: number; message: string };

export interface LotCounters {
  /** Unordered pairs whose nearest distances were computed (each once, both directions). */
  pairsComputed: number;
  /** Images encoded by the device (not those given as tokens). */
  imagesEncoded: number;
}

interface LotImage {
  features: Float32Array;
  classToken: Float32Array;
  /** Per other image's key: F×P nearest distances from this image's patches to that image. */
  distances: Map<string, Float32Array>;
}

interface Geometry {
  grid: number;
  width: number;
  embed: number;
}

export class MuscLot {
  private readonly images = new Map<string, LotImage>();
  private readonly queue = new SerialQueue();
  private geometry: Geometry | null = null;
  private pairs = 0;
  private encoded = 0;
  /** LNAMD's summed-area table, kept between images: a fresh 1.8 MiB one per image cost ~7 ms. */
  private table: Float64Array | null = null;

  constructor(
    private readonly device: MuscDevice,
    readonly settings: MuscSettings,
  ) {}

  /** Keys in lot order (insertion order, the batch order of the method). */
  keys(): string[] {
    return [...this.images.keys()];
  }

  get size(): number {
    return this.images.size;
  }

  has(key: string): boolean {
    return this.images.has(key);
  }

  /** The fewest images this lot can be scored with. */
  get minimum(): number {
    return minLotSize(this.settings);
  }

  counters(): LotCounters {
    return { pairsComputed: this.pairs, imagesEncoded: this.encoded };
  }

  /** Bytes held: features, class tokens and pair distances. */
  bytes(): number {
    let n = 0;
    for (const im of this.images.values()) {
      n += im.features.byteLength + im.classToken.byteLength;
      for (const d of im.distances.values()) n += d.byteLength;
    }
    return n;
  }

  /** Encodes `image` on the device and adds it, computing its pairs with every image already here. */
  add(key: string, image: RgbImage): Promise<void> {
    return this.addAll([{ key, image }]);
  }

  addTokens(key: string, tokens: MuscTokens): Promise<void> {
    return this.addAllTokens([{ key, tokens }]);
  }

  /** Adds a batch in order; each new unordered pair is computed once (image i against the later j). */
  addAll(items: readonly { key: string; image: RgbImage }[]): Promise<void> {
    return this.queue.run(async () => {
      this.checkNewKeys(items.map((it) => it.key));
      const encoded: { key: string; tokens: MuscTokens }[] = [];
      for (const it of items) {
        const { size, layers } = this.settings;
        encoded.push({ key: it.key, tokens: await this.device.encodeTokens(it.image, size, [...layers]) });
        this.encoded++;
      }
      await this.insert(encoded);
    });
  }

  addAllTokens(items: readonly { key: string; tokens: MuscTokens }[]): Promise<void> {
    return this.queue.run(async () => {
      this.checkNewKeys(items.map((it) => it.key));
      await this.insert(items);
    });
  }

  /** Drops an image and every pair it is part of. False when the lot does not hold it. */
  remove(key: string): boolean {
    if (!this.images.delete(key)) return false;
    for (const im of this.images.values()) im.distances.delete(key);
    if (this.images.size === 0) this.geometry = null;
    return true;
  }

  /**
   * Scores the current lot: MSM → means over layers and r → maps → image max → RsCIN. Below the lot's
   * minimum it says how many more images are needed instead.
   */
  scores(): LotScores {
    const n = this.images.size;
    const need = this.minimum;
    if (n < need || !this.geometry)
      return { ready: false, have: n, need, more: need - n, message: lotTooSmallMessage(n, need) };
    const { grid } = this.geometry;
    const p = grid * grid;
    const { rList, layers, interval, rscinK, size } = this.settings;
    const range = checkedRankRange(n, interval);
    const f = featureSetCount(this.settings);
    const maps: Float64Array[] = [];
    const ac: number[] = [];
    for (const im of this.images.values()) {
      const others = [...im.distances.values()];
      const perSet = Array.from({ length: f }, (_, fi) => msmScores(others, fi, p, range));
      const map = upsampleAlignCorners(meanOverLayersAndR(perSet, rList.length, layers.length), grid, size);
      maps.push(map);
      ac.push(mapMax(map));
    }
    const tokens = [...this.images.values()].map((im) => im.classToken);
    const final = rscin(ac, tokens, rscinK).score;
    return {
      ready: true,
      images: this.keys().map((key, i) => ({
        key,
        imageScore: final[i],
        maxScore: ac[i],
        map: Float32Array.from(maps[i]),
        size,
      })),
    };
  }

  private checkNewKeys(keys: readonly string[]): void {
    const seen = new Set<string>();
    for (const k of keys) {
      if (this.images.has(k) || seen.has(k)) throw new Error(`the lot already holds an image named "${k}"`);
      seen.add(k);
    }
  }

  /** Checks the tokens against the settings and the lot, and turns them into LNAMD features. */
  private featuresOf(key: string, t: MuscTokens): LotImage {
    const { size, layers, rList } = this.settings;
    const sameLayers = t.layers.length === layers.length && t.layers.every((l, i) => l === layers[i]);
    if (t.size !== size || !sameLayers)
      throw new Error(
        `"${key}": tokens at size ${t.size}, layers [${t.layers.join(', ')}]; the lot uses size ${size}, layers [${layers.join(', ')}]`,
      );
    const g = this.geometry;
    if (g && (g.grid !== t.grid || g.width !== t.width || g.embed !== t.classToken.length))
      throw new Error(`"${key}": tokens of another model (grid ${t.grid}, width ${t.width}) than the lot's`);
    const tableLength = summedAreaTableLength(t.grid, t.width);
    if (this.table?.length !== tableLength) this.table = new Float64Array(tableLength);
    return {
      features: lnamdFeatures(t.patchTokens, t.grid, t.width, rList, this.table),
      classToken: t.classToken,
      distances: new Map(),
    };
  }

  /** Computes the new pairs, then adds the images: a failure part-way leaves the lot as it was. */
  private async insert(items: readonly { key: string; tokens: MuscTokens }[]): Promise<void> {
    if (items.length === 0) return;
    const fresh = items.map((it) => ({ key: it.key, image: this.featuresOf(it.key, it.tokens) }));
    const first = items[0].tokens;
    const geometry = this.geometry ?? {
      grid: first.grid,
      width: first.width,
      embed: first.classToken.length,
    };
    const shape = { f: featureSetCount(this.settings), p: geometry.grid ** 2, c: geometry.width };
    const old = [...this.images.entries()].map(([key, image]) => ({ key, image }));
    // Staged per-pair results, applied only when every call has succeeded.
    const staged: { from: LotImage; to: string; d: Float32Array }[] = [];
    for (const [i, q] of fresh.entries()) {
      const others = [...old, ...fresh.slice(i + 1)];
      if (others.length === 0) continue;
      const nd = await this.device.nearestDistances(
        q.image.features,
        others.map((o) => o.image.features),
        shape,
      );
      const sizes = [...nd.queryToOther, ...nd.otherToQuery].map((d) => d.length);
      if (sizes.length !== 2 * others.length || sizes.some((l) => l !== shape.f * shape.p))
        throw new Error(`the device returned distances of the wrong shape for ${others.length} images`);
      others.forEach((o, j) => {
        staged.push({ from: q.image, to: o.key, d: nd.queryToOther[j] });
        staged.push({ from: o.image, to: q.key, d: nd.otherToQuery[j] });
      });
      this.pairs += others.length;
    }
    for (const s of staged) s.from.distances.set(s.to, s.d);
    for (const q of fresh) this.images.set(q.key, q.image);
    this.geometry = geometry;
  }
}
