/**
 * `winclip calibrate`: leave-one-out over the --ref images (K >= 2). Prints each reference's score
 * against the other K − 1 and the suggested image and pixel thresholds.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLD_RULE, describeRule, type ThresholdRule } from '../core/calibration';
import { buildPromptSet, DEFAULT_OBJECT_NAME } from '../core/prompts';
import { calibrate } from '../engine/calibration';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { createNodeEngine } from './node-engine';
import { readRecipeInput, refuseWithRecipe } from './recipe-input';
import { readPromptsFile } from './score';

function ruleOf(margin: string | undefined, rate: string | undefined): ThresholdRule {
  if (margin !== undefined && rate !== undefined)
    throw new Error('calibrate: give --margin or --false-reject-rate, not both');
  if (rate !== undefined) {
    const r = Number(rate);
    if (!(r >= 0 && r <= 1))
      throw new Error(`calibrate: --false-reject-rate must be in [0, 1], got '${rate}'`);
    return { kind: 'false-reject-rate', rate: r };
  }
  if (margin !== undefined) {
    const k = Number(margin);
    if (!(k >= 0)) throw new Error(`calibrate: --margin must be a number >= 0, got '${margin}'`);
    return { kind: 'max-plus-std', k };
  }
  return DEFAULT_THRESHOLD_RULE;
}

export async function runCalibrate(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      object: { type: 'string' },
      prompts: { type: 'string' },
      temperature: { type: 'string' },
      ref: { type: 'string', multiple: true },
      margin: { type: 'string' },
      'false-reject-rate': { type: 'string' },
      out: { type: 'string' },
      recipe: { type: 'string' },
    },
  });
  if (!values.model) throw new Error('calibrate: --model <dir> is required');
  if (values.recipe) refuseWithRecipe('calibrate', values, ['object', 'prompts', 'ref']);
  const recipe = values.recipe ? await readRecipeInput(values.recipe, values.model, 'calibrate') : null;
  const refs = recipe ? recipe.references.map((r) => r.name) : (values.ref ?? []);
  if (recipe && refs.length < 2)
    throw new Error(
      `calibrate: the recipe holds ${refs.length} reference shots; calibration needs at least 2`,
    );
  if (refs.length < 2) throw new Error(`calibrate: give at least 2 --ref images, got ${refs.length}`);
  if (new Set(refs).size !== refs.length) throw new Error('calibrate: a --ref image is given twice');
  let temperature: number | undefined;
  if (values.temperature !== undefined) {
    temperature = Number(values.temperature);
    if (!(temperature > 0))
      throw new Error(`calibrate: --temperature must be a positive number, got '${values.temperature}'`);
  }
  const rule = ruleOf(values.margin, values['false-reject-rate']);
  const prompts = recipe
    ? recipe.prompts
    : values.prompts
      ? await readPromptsFile(values.prompts)
      : buildPromptSet({ objectName: values.object ?? DEFAULT_OBJECT_NAME });

  const engine = await createNodeEngine(values.model, 0, { temperature });
  await engine.setPrompts(prompts);
  const keys = refs.map((f, i) => `ref:${i}:${f}`);
  for (const [i, f] of refs.entries()) {
    const shot = recipe?.references[i];
    await engine.encode(
      keys[i],
      shot ? await decodeImageBytes(shot.bytes, shot.name) : await decodeImageFile(f),
    );
  }
  const cal = await calibrate(engine, keys, {}, rule);
  const t = cal.thresholds;
  const json = JSON.stringify({
    references: cal.references.map((r, i) => ({
      file: refs[i],
      image_score: r.imageScore,
      max_pixel: r.maxPixel,
      pixel_quantiles: Object.fromEntries(r.pixelQuantiles.map((q) => [`p${q.p}`, q.value])),
    })),
    image_threshold: t.image,
    pixel_threshold: t.pixel,
    rule: describeRule(t.rule),
    image_scores: t.imageStats,
    max_pixels: t.pixelStats,
  });
  if (values.out) await writeFile(values.out, json);
  else process.stdout.write(`${json}\n`);
  await engine.dispose();
  return 0;
}
