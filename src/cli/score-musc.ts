/**
 * `winclip score --method musc`: the lot mode (MuSc, ../shared/docs/METHOD-musc.md). All the inputs form
 * one unlabeled lot in the order given (folders expand sorted); each image is scored against the others
 * by `MuscLot` (the same class the app's lot mode uses). Each record has `image_score` (RsCIN, within the
 * lot), `max_score` (before RsCIN; the image threshold applies to it, see `thresholdKey`), the map's size
 * S×S and, in files, the S×S map. `--maps` writes the map resized to the image, for display. With `--roi`
 * every image is cropped to it before it joins the lot (the map then covers the ROI).
 */
import { errorText } from '../core/errors';
import { cropImage } from '../core/inspection-region';
import { METHOD_SETTINGS } from '../core/method-settings';
import { lotTooSmallMessage } from '../core/musc/msm';
import { minLotSize } from '../core/musc/settings';
import { bilinearResize } from '../core/resize';
import { csvColumns } from '../core/results-csv';
import {
  failedRecord,
  imageRecord,
  inspectionProvenance,
  methodProvenance,
  resultsHeader,
  thresholdProvenance,
} from '../core/results-format';
import type { ScoringMode } from '../core/scoring-mode';
import { scoreVerdict } from '../core/verdict-policy';
import type { DeviceChoice } from '../engine/devices';
import { MuscLot } from '../engine/musc-lot';
import { ProgressBar } from '../eval/progress';
import { decodeImageFile } from '../io/decode-node';
import { openCliEngine } from './device';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { type InspectionFlagValues, inspectionSetup, policyExtras } from './inspection-flags';
import { resolveModelArg } from './model-arg';
import { cliMuscSettings, type MuscFlagValues, muscOverrides } from './musc-flags';
import { type ResultEntry, ResultSinks, scoreExitCode, writeMapFiles } from './outputs';
import { modelProvenance } from './recipe-input';
import { UsageError } from './usage-error';

export interface LotRunFlags extends MuscFlagValues, InspectionFlagValues {
  model: string;
  out?: string;
  csv?: string;
  'csv-excel'?: boolean;
  maps?: string;
  jsonl?: boolean;
  'print-maps'?: boolean;
  'fail-on-ng'?: boolean;
  quiet?: boolean;
}

/** What `--method musc` cannot use: prompts, references, recipes, pixel regions and what applies to them. */
const WINCLIP_ONLY = [
  'object',
  'prompts',
  'temperature',
  'ref',
  'recipe',
  'pixel-threshold',
  'ignore',
  'min-region-area',
] as const;

export function refuseWinclipFlags(values: Partial<Record<(typeof WINCLIP_ONLY)[number], unknown>>): void {
  const given = WINCLIP_ONLY.find((f) => values[f] !== undefined);
  if (given) throw new UsageError('score', `--${given} does not apply to --method musc (the lot mode)`);
}

export async function runLotScore(
  values: LotRunFlags,
  positionals: string[],
  device: DeviceChoice,
  imageThreshold: number | undefined,
  toolVersion: string,
): Promise<number> {
  const overrides = muscOverrides(values);
  const { roi } = inspectionSetup(values, undefined);
  const { review } = policyExtras(values, null, { image: imageThreshold });
  const quiet = !!values.quiet;
  const files = await expandInputs(positionals);
  const model = await resolveModelArg(values.model, 'score');
  const engine = await openCliEngine(model, device, {}, quiet ? { write: () => true } : process.stderr, {
    lotMode: true,
  });
  try {
    const v = engine.config.vision;
    const settings = cliMuscSettings(
      { blocks: v.layers, imageSize: v.imageSize, patchSize: v.patchSize },
      overrides,
    );
    const need = minLotSize(settings);
    // Before any image is encoded: a lot too small would only be found out at the end.
    if (files.length < need) throw new Error(lotTooSmallMessage(files.length, need));
    const lot = new MuscLot(engine.muscDevice(), settings);
    const bar =
      !quiet && process.stderr.isTTY && (values.out || !process.stdout.isTTY)
        ? new ProgressBar(process.stderr, 'encoding the lot', files.length)
        : null;
    const failed = new Map<string, string>();
    for (const file of files) {
      try {
        const image = await decodeImageFile(file);
        await lot.add(file, roi ? cropImage(image, roi) : image);
      } catch (err) {
        const m = errorText(err);
        const error = m.startsWith(file) ? m : `${file}: ${m}`;
        failed.set(file, error);
        if (bar) bar.note(`winclip: ${error}\n`);
        else process.stderr.write(`winclip: ${error}\n`);
      }
      bar?.tick();
    }
    bar?.finish(failed.size ? `${failed.size} failed` : '');
    const scored = lot.scores();
    if (!scored.ready)
      throw new Error(`${scored.message} (${failed.size} of ${files.length} could not be read)`);
    const mode: ScoringMode = { kind: 'lot', n: lot.size };
    const header = resultsHeader({
      created: new Date().toISOString(),
      tool: { name: 'winclip', version: toolVersion },
      model: await modelProvenance(model, values.model),
      prompt_set: null,
      thresholds: thresholdProvenance(
        mode,
        { image: imageThreshold ?? null, pixel: null, review },
        imageThreshold === undefined ? null : 'flag',
      ),
      method: methodProvenance(METHOD_SETTINGS, mode, settings),
      inspection: inspectionProvenance(roi, []),
    });
    const sinks = await ResultSinks.open(
      values,
      header,
      csvColumns([
        'image',
        ...(roi ? (['roi'] as const) : []),
        'lot',
        ...(imageThreshold === undefined ? [] : (['verdict'] as const)),
        'provenance',
      ]),
      { model: model.label, weights: header.model.weights_fingerprint, prompt_set: null },
    );
    const results = new Map(scored.images.map((r) => [r.key, r]));
    const rel = relativeToCommonFolder(files);
    let ng = 0;
    for (const [i, file] of files.entries()) {
      const r = results.get(file);
      let entry: ResultEntry;
      if (!r) entry = { record: failedRecord(file, failed.get(file) ?? `${file}: not scored`) };
      else {
        // Decoded again only for its size (and the overlay): the lot does not keep pixels.
        const whole = await decodeImageFile(file);
        const image = roi ? cropImage(whole, roi) : whole;
        const verdict =
          imageThreshold === undefined
            ? undefined
            : scoreVerdict(r.maxScore, { ngThreshold: imageThreshold, reviewThreshold: review });
        if (verdict === 'NG') ng++;
        const record = imageRecord({
          file,
          width: whole.width,
          height: whole.height,
          roi,
          imageScore: r.imageScore,
          maxScore: r.maxScore,
          mapSize: { width: r.size, height: r.size },
          verdict,
        });
        entry = { record, width: r.size, height: r.size, anomalyMap: r.map };
        if (values.maps) {
          const shown = bilinearResize(r.map, r.size, r.size, image.width, image.height);
          await writeMapFiles(values.maps, rel[i], image, {
            record,
            width: image.width,
            height: image.height,
            anomalyMap: shown,
          });
        }
      }
      await sinks.add(entry);
    }
    await sinks.close();
    return scoreExitCode({ failed: failed.size, total: files.length, ng }, !!values['fail-on-ng'], quiet);
  } finally {
    await engine.dispose();
  }
}
