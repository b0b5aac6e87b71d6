/**
 * `winclip score`: zero-shot (no --ref) or few-shot (--ref …) scoring of images with a model folder; the
 * lot mode (`--method musc`) is `score-musc.ts`.
 * Results: the "winclip-results" document (src/core/results-format.ts, docs/results.schema.json) with
 * {file, width, height, image_score, anomaly_map} per image (map row-major H·W), or {file, error} for an
 * image that could not be scored; or the same records as JSON Lines (--jsonl). SCORE_SPEC has the flags.
 */
import { readFileSync } from 'node:fs';
import { errorText } from '../core/errors';
import { cropImage } from '../core/inspection-region';
import { csvColumns } from '../core/results-csv';
import {
  failedRecord,
  inspectionProvenance,
  methodProvenance,
  promptSetId,
  type ResultsHeader,
  resultsHeader,
  thresholdProvenance,
} from '../core/results-format';
import { modeOf } from '../core/scoring-mode';
import { type StateEmbedding, stateGroups } from '../core/state-words';
import type { RgbImage } from '../core/types';
import { stateVocabulary } from '../engine/explain';
import { ProgressBar } from '../eval/progress';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { parseCommand } from './flags';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { inspectionSetup, policyExtras, type RecordPolicy } from './inspection-flags';
import { resolveModelArg } from './model-arg';
import { parseMethod, refuseLotFlags } from './musc-flags';
import { type ResultEntry, ResultSinks, scoreExitCode, writeMapFiles } from './outputs';
import { promptChoice } from './prompt-flags';
import { checkRecipeModel, modelProvenance, readRecipeInput, refuseWithRecipe } from './recipe-input';
import { ReferenceSet } from './reference-set';
import { refuseWinclipFlags, runLotScore } from './score-musc';
import { SCORE_SPEC } from './specs';
import { UsageError } from './usage-error';
import { csvColumnGroups, scoredRecord, thresholdFlag, type VerdictThresholds } from './verdicts';

/** The package's version (read at run time: the CLI runs from the source tree through tsx). */
function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

/** 'flag', 'recipe', 'flag+recipe' (each gave one of the two) or null (none given). */
function thresholdSource(flagged: VerdictThresholds, fromRecipe: object | null): string | null {
  const flags = Object.values(flagged).filter((v) => v !== undefined).length;
  if (flags === 2 || (flags === 1 && !fromRecipe)) return 'flag';
  if (flags === 1) return 'flag+recipe';
  return fromRecipe ? 'recipe' : null;
}

export async function runScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(SCORE_SPEC, argv);
  if (!values.model) throw new UsageError('score', '--model <dir|owner/name[@revision]> is required');
  if (positionals.length === 0) throw new UsageError('score', 'give at least one image, folder or glob');
  const method = parseMethod(values.method);
  if (method === 'musc') {
    refuseWinclipFlags(values);
    if (values['csv-excel'] && !values.csv)
      throw new UsageError('score', '--csv-excel needs --csv <file.csv>');
    const imageThreshold = thresholdFlag('image-threshold', values['image-threshold']);
    if (values['fail-on-ng'] && imageThreshold === undefined)
      throw new UsageError('score', '--fail-on-ng needs an image threshold: --image-threshold <t>');
    const device = parseDeviceFlag(values.device, 'score');
    return runLotScore(
      { ...values, model: values.model },
      positionals,
      device,
      imageThreshold,
      toolVersion(),
    );
  }
  refuseLotFlags(values);
  if (values.recipe) refuseWithRecipe('score', values, ['object', 'prompts', 'ref']);
  const device = parseDeviceFlag(values.device, 'score');
  const recipe = values.recipe ? await readRecipeInput(values.recipe, 'score') : null;
  const choice = await promptChoice('score', values);
  const { prompts, groups, temperature } = recipe
    ? { ...choice, prompts: recipe.prompts, groups: stateGroups(recipe.promptOptions) }
    : choice;
  if (values['csv-excel'] && !values.csv) throw new UsageError('score', '--csv-excel needs --csv <file.csv>');
  // Threshold flags override the recipe's thresholds for its mode.
  const flagged = {
    image: thresholdFlag('image-threshold', values['image-threshold']),
    pixel: thresholdFlag('pixel-threshold', values['pixel-threshold']),
  };
  const thresholds = {
    image: flagged.image ?? recipe?.thresholds?.image,
    pixel: flagged.pixel ?? recipe?.thresholds?.pixel,
  };
  if (values['fail-on-ng'] && thresholds.image === undefined)
    throw new UsageError(
      'score',
      '--fail-on-ng needs an image threshold: --image-threshold <t>, or a --recipe with thresholds',
    );
  const setup = inspectionSetup(values, recipe?.recipe.inspection);
  const policy: RecordPolicy = {
    ...thresholds,
    ...policyExtras(values, recipe?.thresholds, thresholds),
    setup,
  };
  const quiet = !!values.quiet;
  const files = await expandInputs(positionals);
  const refs = await expandInputs(values.ref ?? [], '--ref');

  const model = await resolveModelArg(values.model, 'score', { pin: recipe?.recipe.model });
  if (recipe) await checkRecipeModel(recipe.recipe, model, 'score');
  const engine = await openCliEngine(
    model,
    device,
    { temperature },
    quiet ? { write: () => true } : process.stderr,
  );
  try {
    await engine.setPrompts(prompts);
    const vocabulary: StateEmbedding[] =
      thresholds.pixel === undefined ? [] : await stateVocabulary(engine, groups);
    // A reference that cannot be read would silently change every score: it stops the run.
    const bank = new ReferenceSet(engine, setup.roi, quiet);
    for (const [i, ref] of refs.entries()) await bank.add(`ref:${i}:${ref}`, ref, await decodeImageFile(ref));
    for (const [i, ref] of (recipe?.references ?? []).entries()) {
      await bank.add(`recipe:${i}:${ref.name}`, ref.name, await decodeImageBytes(ref.bytes, ref.name));
    }
    const mode = modeOf({ readyReferences: refs.length + (recipe?.references.length ?? 0) });
    const header: ResultsHeader = resultsHeader({
      created: new Date().toISOString(),
      tool: { name: 'winclip', version: toolVersion() },
      model: await modelProvenance(model, values.model),
      prompt_set: promptSetId(prompts),
      thresholds: thresholdProvenance(
        mode,
        {
          image: thresholds.image ?? null,
          pixel: thresholds.pixel ?? null,
          review: policy.review,
          minRegionArea: policy.minRegionArea,
        },
        thresholdSource(flagged, recipe?.thresholds ?? null),
      ),
      method: methodProvenance(engine.settings, mode),
      inspection: inspectionProvenance(setup.roi, setup.ignore),
    });
    const sinks = await ResultSinks.open(
      values,
      header,
      csvColumns(csvColumnGroups(thresholds, setup.roi !== undefined)),
      { model: model.label, weights: header.model.weights_fingerprint, prompt_set: header.prompt_set },
    );
    const rel = relativeToCommonFolder(files);
    // Progress only on a terminal, and not over results streaming to that same terminal.
    const bar =
      !quiet && process.stderr.isTTY && (values.out || !process.stdout.isTTY)
        ? new ProgressBar(process.stderr, 'scoring', files.length)
        : null;
    const report = (line: string) => (bar ? bar.note(line) : process.stderr.write(line));
    let failed = 0;
    let ng = 0;
    for (const [i, file] of files.entries()) {
      let entry: ResultEntry;
      try {
        const key = `img:${i}:${file}`;
        let image: RgbImage | null = await decodeImageFile(file);
        const size = { width: image.width, height: image.height };
        await engine.encode(key, image, { roi: setup.roi });
        await bank.matchImage(size, report);
        // The pixels are only needed again for the overlay; let a large image go before its map is built.
        if (!values.maps) image = null;
        else if (setup.roi) image = cropImage(image, setup.roi);
        const r = await engine.score(key, { setup });
        const scored = {
          record: scoredRecord(engine, key, file, size, r, policy, vocabulary),
          width: r.width,
          height: r.height,
          anomalyMap: r.anomalyMap,
        };
        if (scored.record.verdict === 'NG') ng++;
        entry = scored;
        engine.forget(key);
        if (image && values.maps) await writeMapFiles(values.maps, rel[i], image, scored);
      } catch (err) {
        failed++;
        const m = errorText(err);
        const error = m.startsWith(file) ? m : `${file}: ${m}`;
        entry = { record: failedRecord(file, error) };
        report(`winclip: ${error}\n`);
      }
      await sinks.add(entry);
      bar?.tick();
    }
    bar?.finish(
      [failed && `${failed} failed`, thresholds.image !== undefined && `${ng} NG`].filter(Boolean).join(', '),
    );
    await sinks.close();
    return scoreExitCode({ failed, total: files.length, ng }, !!values['fail-on-ng'], quiet);
  } finally {
    await engine.dispose();
  }
}
