/**
 * `winclip score`: zero-shot (no --ref) or few-shot (--ref …) scoring of images with a model folder.
 * Prints {"images": [{file, width, height, image_score, anomaly_map}]} (map row-major H·W).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildPromptSet, DEFAULT_OBJECT_NAME } from '../core/prompts';
import { promptGroups, type StateEmbedding, stateGroups } from '../core/state-words';
import type { PromptSet } from '../core/types';
import { stateVocabulary } from '../engine/explain';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { createNodeEngine } from './node-engine';
import { readRecipeInput, refuseWithRecipe } from './recipe-input';
import { thresholdFlag, verdictFields } from './verdicts';

export async function readPromptsFile(path: string): Promise<PromptSet> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`--prompts ${path}: ${err instanceof SyntaxError ? 'not valid JSON' : 'cannot be read'}`);
  }
  const p = raw as { normal?: unknown; anomalous?: unknown };
  const ok = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
  if (!ok(p.normal) || !ok(p.anomalous)) {
    throw new Error(`--prompts ${path}: needs non-empty string arrays "normal" and "anomalous"`);
  }
  return { normal: p.normal, anomalous: p.anomalous };
}

export async function runScore(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      object: { type: 'string' },
      prompts: { type: 'string' },
      temperature: { type: 'string' },
      ref: { type: 'string', multiple: true },
      out: { type: 'string' },
      'image-threshold': { type: 'string' },
      'pixel-threshold': { type: 'string' },
      recipe: { type: 'string' },
    },
  });
  if (!values.model) throw new Error('score: --model <dir> is required');
  if (positionals.length === 0) throw new Error('score: give at least one image');
  if (values.recipe) refuseWithRecipe('score', values, ['object', 'prompts', 'ref']);
  const recipe = values.recipe ? await readRecipeInput(values.recipe, values.model, 'score') : null;
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (!(temperature > 0))
      throw new Error(`score: --temperature must be a positive number, got '${values.temperature}'`);
  }
  // Threshold flags override the recipe's thresholds for its mode.
  const thresholds = {
    image: thresholdFlag('image-threshold', values['image-threshold']) ?? recipe?.thresholds?.image,
    pixel: thresholdFlag('pixel-threshold', values['pixel-threshold']) ?? recipe?.thresholds?.pixel,
  };
  const prompts = recipe
    ? recipe.prompts
    : values.prompts
      ? await readPromptsFile(values.prompts)
      : buildPromptSet({ objectName: values.object ?? DEFAULT_OBJECT_NAME });

  const engine = await createNodeEngine(values.model, 0, { temperature });
  await engine.setPrompts(prompts);
  const objectName = values.object ?? DEFAULT_OBJECT_NAME;
  const vocabulary: StateEmbedding[] =
    thresholds.pixel === undefined
      ? []
      : await stateVocabulary(
          engine,
          recipe
            ? stateGroups(recipe.promptOptions)
            : values.prompts
              ? promptGroups(prompts)
              : stateGroups({ objectName }),
        );
  for (const [i, ref] of (values.ref ?? []).entries()) {
    await engine.addReference(`ref:${i}:${ref}`, await decodeImageFile(ref));
  }
  for (const [i, ref] of (recipe?.references ?? []).entries()) {
    await engine.addReference(`ref:${i}:${ref.name}`, await decodeImageBytes(ref.bytes, ref.name));
  }
  const images = [];
  for (const [i, file] of positionals.entries()) {
    const key = `img:${i}:${file}`;
    await engine.encode(key, await decodeImageFile(file));
    const r = await engine.score(key);
    images.push({
      file,
      width: r.width,
      height: r.height,
      image_score: r.imageScore,
      anomaly_map: Array.from(r.anomalyMap),
      ...verdictFields(engine, key, r, thresholds, vocabulary, temperature),
    });
    engine.forget(key);
  }
  const json = JSON.stringify({ images });
  if (values.out) await writeFile(values.out, json);
  else process.stdout.write(`${json}\n`);
  await engine.dispose();
  return 0;
}
