/**
 * `winclip score`: zero-shot (no --ref) or few-shot (--ref …) scoring of images with a model folder.
 * Results: {"images": [{file, width, height, image_score, anomaly_map}]} (map row-major H·W), or
 * {file, error} for an image that could not be scored; see SCORE_SPEC for the flags.
 */
import { errorText } from '../core/errors';
import { type StateEmbedding, stateGroups } from '../core/state-words';
import type { RgbImage } from '../core/types';
import { stateVocabulary } from '../engine/explain';
import { ProgressBar } from '../eval/progress';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { EXIT } from './exit-codes';
import { parseCommand } from './flags';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { CsvWriter, type ImageRecord, JsonResultsWriter, writeMapFiles } from './outputs';
import { promptChoice } from './prompt-flags';
import { readRecipeInput, refuseWithRecipe } from './recipe-input';
import { SCORE_SPEC } from './specs';
import { UsageError } from './usage-error';
import { thresholdFlag, verdictCsvColumns, verdictFields } from './verdicts';

export async function runScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(SCORE_SPEC, argv);
  if (!values.model) throw new UsageError('score', '--model <dir> is required');
  if (positionals.length === 0) throw new UsageError('score', 'give at least one image, folder or glob');
  if (values.recipe) refuseWithRecipe('score', values, ['object', 'prompts', 'ref']);
  const device = parseDeviceFlag(values.device, 'score');
  const recipe = values.recipe ? await readRecipeInput(values.recipe, values.model, 'score') : null;
  const choice = await promptChoice('score', values);
  const { prompts, groups, temperature } = recipe
    ? { ...choice, prompts: recipe.prompts, groups: stateGroups(recipe.promptOptions) }
    : choice;
  // Threshold flags override the recipe's thresholds for its mode.
  const thresholds = {
    image: thresholdFlag('image-threshold', values['image-threshold']) ?? recipe?.thresholds?.image,
    pixel: thresholdFlag('pixel-threshold', values['pixel-threshold']) ?? recipe?.thresholds?.pixel,
  };
  if (values['fail-on-ng'] && thresholds.image === undefined)
    throw new UsageError(
      'score',
      '--fail-on-ng needs an image threshold: --image-threshold <t>, or a --recipe with thresholds',
    );
  const quiet = !!values.quiet;
  const files = await expandInputs(positionals);
  const refs = await expandInputs(values.ref ?? [], '--ref');

  const engine = await openCliEngine(
    values.model,
    device,
    { temperature },
    quiet ? { write: () => true } : process.stderr,
  );
  try {
    await engine.setPrompts(prompts);
    const vocabulary: StateEmbedding[] =
      thresholds.pixel === undefined ? [] : await stateVocabulary(engine, groups);
    for (const [i, ref] of refs.entries()) {
      // A reference that cannot be read would silently change every score: it stops the run.
      await engine.addReference(`ref:${i}:${ref}`, await decodeImageFile(ref));
    }
    for (const [i, ref] of (recipe?.references ?? []).entries()) {
      await engine.addReference(`recipe:${i}:${ref.name}`, await decodeImageBytes(ref.bytes, ref.name));
    }
    const json = await JsonResultsWriter.open(
      values.out ?? process.stdout,
      !!values.out || !!values['print-maps'],
    );
    const csv = values.csv ? await CsvWriter.open(values.csv, verdictCsvColumns(thresholds)) : null;
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
      let record: ImageRecord;
      try {
        const key = `img:${i}:${file}`;
        let image: RgbImage | null = await decodeImageFile(file);
        await engine.encode(key, image);
        // The pixels are only needed again for the overlay; let a large image go before its map is built.
        if (!values.maps) image = null;
        const r = await engine.score(key);
        record = {
          file,
          width: r.width,
          height: r.height,
          imageScore: r.imageScore,
          anomalyMap: r.anomalyMap,
          extra: verdictFields(engine, key, r, thresholds, vocabulary),
        };
        if (record.extra?.verdict === 'NG') ng++;
        engine.forget(key);
        if (image && values.maps) await writeMapFiles(values.maps, rel[i], image, record);
      } catch (err) {
        failed++;
        const m = errorText(err);
        record = { file, error: m.startsWith(file) ? m : `${file}: ${m}` };
        report(`winclip: ${record.error}\n`);
      }
      await json.add(record);
      await csv?.add(record);
      bar?.tick();
    }
    bar?.finish(
      [failed && `${failed} failed`, thresholds.image !== undefined && `${ng} NG`].filter(Boolean).join(', '),
    );
    await json.close();
    await csv?.close();
    if (failed > 0)
      process.stderr.write(`winclip: ${failed} of ${files.length} images could not be scored\n`);
    // A broken input outranks an NG part: the run did not inspect everything it was given.
    if (failed > 0) return EXIT.failure;
    if (values['fail-on-ng'] && ng > 0) {
      if (!quiet) process.stderr.write(`winclip: ${ng} of ${files.length} images are NG\n`);
      return EXIT.ng;
    }
    return EXIT.ok;
  } finally {
    await engine.dispose();
  }
}
