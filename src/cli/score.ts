/**
 * `winclip score`: zero-shot (no --ref) or few-shot (--ref …) scoring of images with a model folder.
 * Results: {"images": [{file, width, height, image_score, anomaly_map}]} (map row-major H·W), or
 * {file, error} for an image that could not be scored; see SCORE_SPEC for the flags.
 */
import { errorText } from '../core/errors';
import { type StateEmbedding, stateGroups } from '../core/state-words';
import type { RgbImage } from '../core/types';
import { stateVocabulary } from '../engine/explain';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { parseCommand } from './flags';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { resolveModelArg } from './model-arg';
import { CsvWriter, type ImageRecord, JsonResultsWriter, writeMapFiles } from './outputs';
import { promptChoice } from './prompt-flags';
import { checkRecipeModel, readRecipeInput, refuseWithRecipe } from './recipe-input';
import { SCORE_SPEC } from './specs';
import { thresholdFlag, verdictCsvColumns, verdictFields } from './verdicts';

export async function runScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(SCORE_SPEC, argv);
  if (!values.model)
    throw new Error('score: --model <dir|owner/name[@revision]> is required (see winclip score --help)');
  if (positionals.length === 0) throw new Error('score: give at least one image, folder or glob');
  if (values.recipe) refuseWithRecipe('score', values, ['object', 'prompts', 'ref']);
  const recipe = values.recipe ? await readRecipeInput(values.recipe, 'score') : null;
  const choice = await promptChoice('score', values);
  const { prompts, groups, temperature } = recipe
    ? { ...choice, prompts: recipe.prompts, groups: stateGroups(recipe.promptOptions) }
    : choice;
  // Threshold flags override the recipe's thresholds for its mode.
  const thresholds = {
    image: thresholdFlag('image-threshold', values['image-threshold']) ?? recipe?.thresholds?.image,
    pixel: thresholdFlag('pixel-threshold', values['pixel-threshold']) ?? recipe?.thresholds?.pixel,
  };
  const files = await expandInputs(positionals);
  const refs = await expandInputs(values.ref ?? [], '--ref');

  const device = parseDeviceFlag(values.device, 'score');
  const model = await resolveModelArg(values.model, 'score', { pin: recipe?.recipe.model });
  if (recipe) await checkRecipeModel(recipe.recipe, model, 'score');
  const engine = await openCliEngine(model, device, { temperature });
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
    let failed = 0;
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
        engine.forget(key);
        if (image && values.maps) await writeMapFiles(values.maps, rel[i], image, record);
      } catch (err) {
        failed++;
        const m = errorText(err);
        record = { file, error: m.startsWith(file) ? m : `${file}: ${m}` };
        process.stderr.write(`winclip: ${record.error}\n`);
      }
      await json.add(record);
      await csv?.add(record);
    }
    await json.close();
    await csv?.close();
    if (failed > 0)
      process.stderr.write(`winclip: ${failed} of ${files.length} images could not be scored\n`);
    return failed > 0 ? 1 : 0;
  } finally {
    await engine.dispose();
  }
}
