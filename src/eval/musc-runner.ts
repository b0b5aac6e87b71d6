/**
 * `winclip eval --method musc`: MuSc's zero-shot lot mode evaluated per category. Every category is one
 * unlabeled lot (or `divide` lots, split as the official `divide_num`), in the official order (category →
 * sorted anomaly-type folders → sorted files for MVTec AD; the split file's order for VisA). Each lot gives
 * per image its S×S map and the map's max; RsCIN then re-scores all images of the category at once, as
 * the official code does after concatenating the subsets. Metrics follow `protocol`:
 * - 'musc' (METHOD-musc.md §12): maps at S×S, masks resized to S×S with Pillow BILINEAR and binarised as
 *   the dataset's official reader does, exact float64 metrics with pixel AP and `cal_pro_score` PRO;
 * - 'default': the metrics `winclip eval` uses for WinCLIP, maps resized to the mask (or image) size.
 */
import { imageMetrics, PixelMetricsAccumulator } from '../core/metrics';
import { type MuscMaskRule, muscMask } from '../core/metrics/musc-mask';
import { MuscPixelAccumulator } from '../core/metrics/musc-protocol';
import { lotTooSmallMessage } from '../core/musc/msm';
import { rscin } from '../core/musc/rscin';
import { type MuscSettings, minLotSize } from '../core/musc/settings';
import { bilinearResize } from '../core/resize';
import type { RgbImage } from '../core/types';
import type { MuscDevice } from '../engine/musc-api';
import { MuscLot } from '../engine/musc-lot';
import { selectCategories } from './datasets';
import type { DatasetKind, DatasetReader, TestSample } from './datasets/types';
import { evalSize, loadTruth, readGreyMask } from './masks';
import { anomalyTypeOf, divideLot } from './musc-divide';
import { ProgressBar, type ProgressStream } from './progress';
import {
  aggregateRuns,
  type EvalOutput,
  meanOverCategories,
  newEvalOutput,
  type PixelBlock,
  type RunRecord,
} from './results';

export type MuscProtocol = 'musc' | 'default';

export interface MuscEvalSettings {
  reader: DatasetReader;
  /** Written to the JSON as "model". */
  modelLabel: string;
  /** Default: every category of the dataset. */
  categories?: string[];
  /** Checked lot settings (`muscSettings`), RsCIN k list included. */
  lot: MuscSettings;
  /** Lots per category (1 = the whole category, as the published tables). */
  divide: number;
  protocol: MuscProtocol;
  /** Default protocol only: shorter edge of the pixel-metric resolution (default: the masks' own). */
  pixelSize?: number;
  exactPixelLimit?: number;
  decode(path: string): Promise<RgbImage>;
  progress?: ProgressStream;
}

/** The official readers binarise the resized mask differently (METHOD-musc.md §12, datasets/visa.py). */
function maskRuleOf(dataset: DatasetKind): MuscMaskRule {
  return dataset === 'visa' ? 'nonzero' : 'truncate';
}

interface ImageSize {
  width: number;
  height: number;
}

/** Pixel metrics of one category under either protocol; maps and masks arrive one image at a time. */
interface PixelSink {
  /** `image` is the decoded image's size; `map` is size×size. */
  add(sample: TestSample, image: ImageSize, map: Float32Array, size: number): Promise<void>;
  result(): { metrics: PixelBlock; pixels: number; exact: boolean; aurocErrorBound: number };
}

function muscSink(rule: MuscMaskRule): PixelSink {
  const acc = new MuscPixelAccumulator();
  return {
    async add(sample, _image, map, size) {
      const mask = sample.maskPath ? muscMask(await readGreyMask(sample.maskPath), size, rule) : null;
      acc.add(map, mask, size, size);
    },
    result() {
      const r = acc.result();
      return {
        metrics: { auroc: r.auroc, pro: r.pro, f1_max: r.f1_max, aupr: r.aupr },
        pixels: r.pixels,
        exact: true,
        aurocErrorBound: 0,
      };
    },
  };
}

function defaultSink(pixelSize: number | undefined, exactPixelLimit: number | undefined): PixelSink {
  const acc = new PixelMetricsAccumulator({ exactPixelLimit });
  return {
    async add(sample, image, map, size) {
      const truth = sample.maskPath ? await loadTruth(sample.maskPath, pixelSize) : null;
      const at = truth ?? evalSize(image.width, image.height, pixelSize);
      const resized =
        at.width === size && at.height === size ? map : bilinearResize(map, size, size, at.width, at.height);
      acc.add(resized, at.width, at.height, truth);
    },
    result() {
      const r = acc.result();
      return {
        metrics: { auroc: r.auroc, pro: r.pro, f1_max: r.f1_max },
        pixels: r.pixels,
        exact: r.exact,
        aurocErrorBound: r.aurocErrorBound,
      };
    },
  };
}

interface Scored {
  sample: TestSample;
  maxScore: number;
  classToken: Float32Array;
}

/** Scores one lot; pixel metrics take its maps as they come, the rest is kept for RsCIN. */
async function scoreLot(
  device: MuscDevice,
  s: MuscEvalSettings,
  samples: TestSample[],
  sink: PixelSink,
  label: string,
): Promise<{ scored: Scored[]; pairs: number }> {
  const lot = new MuscLot(device, s.lot);
  const bar = new ProgressBar(s.progress ?? { write: () => true }, label, samples.length);
  const tokens = new Map<string, Float32Array>();
  const sizes = new Map<string, ImageSize>();
  for (const t of samples) {
    const image = await s.decode(t.path);
    const tk = await device.encodeTokens(image, s.lot.size, [...s.lot.layers]);
    await lot.addTokens(t.file, tk);
    tokens.set(t.file, tk.classToken);
    sizes.set(t.file, { width: image.width, height: image.height });
    bar.tick();
  }
  const pairs = lot.counters().pairsComputed;
  bar.finish(`${pairs} pairs`);
  const result = lot.scores();
  if (!result.ready) throw new Error(`${label}: ${result.message}`);
  const byKey = new Map(samples.map((t) => [t.file, t]));
  const scored: Scored[] = [];
  for (const r of result.images) {
    const sample = byKey.get(r.key)!;
    await sink.add(sample, sizes.get(r.key)!, r.map, r.size);
    scored.push({ sample, maxScore: r.maxScore, classToken: tokens.get(r.key)! });
  }
  return { scored, pairs };
}

export async function runMuscEvaluation(device: MuscDevice, s: MuscEvalSettings): Promise<EvalOutput> {
  const t0 = performance.now();
  const categories = await selectCategories(s.reader, s.categories);
  const { lot } = s;
  const out = newEvalOutput({
    dataset: s.reader.kind,
    model: s.modelLabel,
    method: 'musc',
    musc: {
      protocol: s.protocol,
      layers: [...lot.layers],
      size: lot.size,
      r_list: [...lot.rList],
      interval: [lot.interval[0], lot.interval[1]],
      rscin_k: [...lot.rscinK],
      divide: s.divide,
      pairs_computed: 0,
    },
    ablation: 'full',
    pixel_size: s.protocol === 'musc' ? lot.size : (s.pixelSize ?? null),
  });
  for (const [index, category] of categories.entries()) {
    const tag = `[${index + 1}/${categories.length}] ${category}`;
    const data = await s.reader.read(category);
    out.object_names[category] = category;
    const subsets = divideLot(data.test, (t) => anomalyTypeOf(t.file), s.divide);
    const lotName = (i: number) =>
      subsets.length > 1 ? `${tag}: lot ${i + 1}/${subsets.length}` : `${tag}: lot`;
    // Every lot must be scorable: say so before any image is encoded.
    const need = minLotSize(lot);
    const small = subsets.findIndex((x) => x.length < need);
    if (small >= 0) throw new Error(`${lotName(small)}: ${lotTooSmallMessage(subsets[small].length, need)}`);
    const sink =
      s.protocol === 'musc'
        ? muscSink(maskRuleOf(s.reader.kind))
        : defaultSink(s.pixelSize, s.exactPixelLimit);
    const scored: Scored[] = [];
    for (const [i, subset] of subsets.entries()) {
      const lotResult = await scoreLot(device, s, subset, sink, lotName(i));
      scored.push(...lotResult.scored);
      out.musc!.pairs_computed += lotResult.pairs;
      out.stats.images_encoded += subset.length;
    }
    // RsCIN over the whole category, in lot order (musc.py runs it after concatenating the subsets).
    const final = rscin(
      scored.map((x) => x.maxScore),
      scored.map((x) => x.classToken),
      lot.rscinK,
    ).score;
    const scores: RunRecord['scores'] = scored.map((x, i) => ({
      file: x.sample.file,
      label: x.sample.label,
      image_score: final[i],
    }));
    const pixel = sink.result();
    const record: RunRecord = {
      seed: 0,
      refs: [],
      scores,
      image: imageMetrics(
        scores.map((x) => x.image_score),
        scores.map((x) => x.label),
      ),
      pixel: pixel.metrics,
      pixel_eval: { pixels: pixel.pixels, exact: pixel.exact, auroc_error_bound: pixel.aurocErrorBound },
    };
    out.categories[category] = { '0': aggregateRuns([record]) };
  }
  out.summary = meanOverCategories(out.categories, [0]);
  out.stats.seconds = (performance.now() - t0) / 1000;
  return out;
}
