/**
 * The lot mode in the worker (MuSc, ../shared/docs/METHOD-musc.md): one `MuscLot` next to the engine,
 * on the engine's device. Images join by the gallery's keys; each new one costs its tokens (read from
 * the feature store when this content was seen before under the same model, size and layers) and its
 * pairs with the images already there. Scoring redoes only the cheap part for the whole lot. With an
 * inspection region every image is cropped to it first (`cropImage`, as the CLI's lot mode does), so
 * the maps cover the ROI; don't-care areas are read out of the maps by map-queries like every mode's.
 */
import * as Comlink from 'comlink';
import { errorText } from '../src/core/errors';
import { cropImage, type InspectionSetup, roiKey, sameRoi } from '../src/core/inspection-region';
import { mapRange } from '../src/core/map-regions';
import { lotCapacity, lotFootprint, lotFullMessage } from '../src/core/musc/lot-memory';
import { type MuscSettings, muscSettings } from '../src/core/musc/settings';
import { bilinearResize } from '../src/core/resize';
import type { ScoreOptions } from '../src/core/score-options';
import type { ImageResult } from '../src/core/types';
import type { WinclipEngine } from '../src/engine/engine';
import { type LotImageScore, MuscLot } from '../src/engine/musc-lot';
import { contentHash } from '../src/io/model-identity';
import { decodeWithThumbnail, nameOf } from './decode';
import { type FeatureDatabase, lotTokenBytes } from './feature-store';
import type { LotAdded, LotImageSummary, LotOptions, LotStats, LotSummary } from './lot-protocol';
import { THUMB_MAP_SIDE } from './map-queries';

type Guard = <T>(requestId: string, what: string, body: (check: () => void) => Promise<T>) => Promise<T>;

export interface LotHostDeps {
  engine(): WinclipEngine;
  /** The loaded model's identity (null: nothing is stored). */
  modelId(): string | null;
  db: FeatureDatabase;
  guard: Guard;
  /** Bytes one lot may hold (features and pair distances); an image past it is refused. */
  budgetBytes: number;
}

/** The feature store's model key for lot tokens: never equal to a WinCLIP key or another S/layers. */
function lotStoreKey(modelId: string, s: Pick<MuscSettings, 'size' | 'layers'>): string {
  return `${modelId}#musc-tokens:S=${s.size}:layers=${s.layers.join(',')}`;
}

function sameSettings(a: MuscSettings, b: MuscSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A map of side `size` resized to the image's aspect (the lot's input was stretched to a square). */
function mapAt(score: LotImageScore, width: number, height: number): Float32Array {
  return bilinearResize(score.map, score.size, score.size, width, height);
}

export class LotHost {
  private lot: MuscLot | null = null;
  /** What the lot's images were cropped to and its maps are read with (one setup per lot). */
  private setup: InspectionSetup = { ignore: [] };
  /** Each key's scored size (the ROI's with one), for maps at the image's own aspect. */
  private readonly dims = new Map<string, { width: number; height: number }>();
  private last: Map<string, LotImageScore> | null = null;
  private fromStore = 0;
  private encoded = 0;

  constructor(private readonly deps: LotHostDeps) {}

  /** A new model (or none): the lot is dropped. */
  reset(): void {
    this.lot = null;
    this.setup = { ignore: [] };
    this.dims.clear();
    this.last = null;
    this.fromStore = 0;
    this.encoded = 0;
  }

  has(key: string): boolean {
    return this.lot?.has(key) === true;
  }

  private settingsFor(options: LotOptions): MuscSettings {
    const info = this.deps.engine().info();
    const model = { blocks: info.visionLayers, imageSize: info.imageSize, patchSize: info.patchSize };
    return muscSettings(model, { layers: options.layers, size: options.size });
  }

  /** The lot for these settings and ROI: the current one, or a fresh one when either changed. */
  private lotFor(settings: MuscSettings, setup: InspectionSetup): MuscLot {
    if (!this.lot || !sameSettings(this.lot.settings, settings) || !sameRoi(this.setup.roi, setup.roi)) {
      this.reset();
      this.lot = new MuscLot(this.deps.engine().muscDevice(), settings);
    }
    this.setup = setup;
    return this.lot;
  }

  /** The options a lot image's maps are read with (its don't-care areas), or undefined for another key. */
  optionsOf(key: string): ScoreOptions | undefined {
    return this.lot?.has(key) ? { setup: this.setup } : undefined;
  }

  async add(
    requestId: string,
    key: string,
    image: Blob,
    thumbSide: number,
    options: LotOptions = {},
  ): Promise<LotAdded> {
    const engine = this.deps.engine();
    const name = nameOf(image, key);
    return this.deps.guard(requestId, `adding ${name} to the lot`, async (check) => {
      const lot = this.lotFor(this.settingsFor(options), options.setup ?? { ignore: [] });
      const roi = this.setup.roi;
      this.checkRoom(lot, key);
      const hash = await contentHash(await image.arrayBuffer());
      const { rgb: frame, thumb } = await decodeWithThumbnail(image, name, thumbSide);
      try {
        // Throws roiProblem's message for an image the ROI does not fit.
        const rgb = roi ? cropImage(frame, roi) : frame;
        check();
        const t0 = performance.now();
        const model = this.deps.modelId();
        const storeKey = model && lotStoreKey(model, lot.settings);
        // A crop's tokens are stored apart from the whole image's (and another crop's).
        const content = roiKey(hash, roi);
        let tokens = storeKey ? await this.deps.db.getLotTokens(storeKey, content) : null;
        const fromStore = tokens !== null;
        let featureBytes = 0;
        let saveError: string | null = null;
        if (tokens) this.fromStore++;
        else {
          tokens = await engine.muscDevice().encodeTokens(rgb, lot.settings.size, [...lot.settings.layers]);
          this.encoded++;
          if (storeKey) {
            try {
              featureBytes = await this.deps.db.putLotTokens(storeKey, content, tokens);
            } catch (err) {
              saveError = errorText(err);
            }
          }
        }
        check();
        if (lot.has(key)) lot.remove(key);
        await lot.addTokens(key, tokens);
        this.dims.set(key, { width: rgb.width, height: rgb.height });
        this.last = null;
        return {
          key,
          width: frame.width,
          height: frame.height,
          thumb,
          encodeMs: performance.now() - t0,
          contentHash: hash,
          fromStore,
          featureBytes: fromStore ? lotTokenBytes(tokens) : featureBytes,
          saveError,
        };
      } catch (err) {
        thumb.close();
        throw err;
      }
    });
  }

  /** Refuses a new image the lot's byte budget has no room for (before any decoding or encoding). */
  private checkRoom(lot: MuscLot, key: string): void {
    if (lot.has(key)) return;
    const fp = lotFootprint(lot.settings, this.deps.engine().info());
    const capacity = lotCapacity(this.deps.budgetBytes, fp);
    if (lot.size >= capacity) throw new Error(lotFullMessage(capacity, fp, this.deps.budgetBytes));
  }

  /** Drops these images and their pairs; returns how many the lot held. */
  remove(keys: string[]): number {
    let n = 0;
    for (const k of keys) {
      if (this.lot?.remove(k)) n++;
      this.dims.delete(k);
    }
    if (n > 0) this.last = null;
    return n;
  }

  clear(): void {
    this.reset();
  }

  /** Every image's scores, or how many more images the lot needs. */
  async scores(requestId: string, options: LotOptions = {}): Promise<LotSummary> {
    return this.deps.guard(requestId, 'scoring the lot', async () => {
      // New don't-care areas under the same ROI: the maps are read with them (another ROI is a new lot).
      const next = options.setup;
      if (next && sameRoi(next.roi, this.setup.roi)) this.setup = next;
      const lot = this.lot;
      if (!lot) return { ready: false, n: 0, need: 0, more: 0, message: 'The lot is empty' };
      const s = lot.scores();
      if (!s.ready) return { ready: false, n: s.have, need: s.need, more: s.more, message: s.message };
      this.last = new Map(s.images.map((im) => [im.key, im]));
      const images = s.images.map((im) => this.summary(im, lot.size));
      return Comlink.transfer(
        { ready: true, n: lot.size, need: lot.minimum, images },
        images.map((im) => im.thumbMap.data.buffer),
      );
    });
  }

  private summary(im: LotImageScore, n: number): LotImageSummary {
    const { width, height } = this.dims.get(im.key) ?? { width: im.size, height: im.size };
    const scale = Math.min(1, THUMB_MAP_SIDE / Math.max(width, height));
    const tw = Math.max(1, Math.round(width * scale));
    const th = Math.max(1, Math.round(height * scale));
    const { min, max } = mapRange(im.map);
    return {
      key: im.key,
      width,
      height,
      ...(this.setup.roi && { roi: this.setup.roi }),
      score: im.maxScore,
      lotScore: im.imageScore,
      mode: 'lot',
      bank: n,
      mapMin: min,
      mapMax: max,
      thumbMap: { width: tw, height: th, data: mapAt(im, tw, th) },
    };
  }

  /** The full-resolution result of a scored lot image (detail view, exports), or null. */
  result(key: string): ImageResult | null {
    const im = this.last?.get(key);
    const d = this.dims.get(key);
    if (!im || !d) return null;
    return {
      width: d.width,
      height: d.height,
      imageScore: im.maxScore,
      anomalyMap: mapAt(im, d.width, d.height),
      mode: 'lot',
      ...(this.setup.roi && { roi: this.setup.roi }),
    };
  }

  stats(): LotStats {
    const lot = this.lot;
    const c = lot?.counters() ?? { pairsComputed: 0, imagesEncoded: 0 };
    const s = lot?.settings;
    return {
      size: lot?.size ?? 0,
      pairsComputed: c.pairsComputed,
      imagesEncoded: this.encoded,
      tokensFromStore: this.fromStore,
      bytes: lot?.bytes() ?? 0,
      settings: s ? { layers: [...s.layers], size: s.size, rList: [...s.rList] } : null,
    };
  }
}
