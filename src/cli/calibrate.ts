/**
 * `winclip calibrate`: leave-one-out over the --ref images (K >= 2). Prints each reference's score
 * against the other K − 1 and the suggested image and pixel thresholds.
 */
import { writeFile } from 'node:fs/promises';
import { DEFAULT_THRESHOLD_RULE, describeRule, type ThresholdRule } from '../core/calibration';
import { serializeRecipe } from '../core/recipe';
import { calibrate } from '../engine/calibration';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { parseCommand } from './flags';
import { expandInputs } from './inputs';
import { resolveModelArg } from './model-arg';
import { promptChoice } from './prompt-flags';
import { checkRecipeModel, readRecipeInput, refuseWithRecipe } from './recipe-input';
import { CALIBRATE_SPEC } from './specs';

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
  const { values } = parseCommand(CALIBRATE_SPEC, argv);
  if (!values.model)
    throw new Error(
      'calibrate: --model <dir|owner/name[@revision]> is required (see winclip calibrate --help)',
    );
  if (values.recipe) refuseWithRecipe('calibrate', values, ['object', 'prompts', 'ref']);
  if (values['write-recipe'] && !values.recipe) throw new Error('calibrate: --write-recipe needs --recipe');
  const recipe = values.recipe ? await readRecipeInput(values.recipe, 'calibrate') : null;
  const given = values.ref ?? [];
  if (new Set(given).size !== given.length) throw new Error('calibrate: a --ref image is given twice');
  const refs = recipe ? recipe.references.map((r) => r.name) : await expandInputs(given, '--ref');
  if (recipe && refs.length < 2)
    throw new Error(
      `calibrate: the recipe holds ${refs.length} reference shots; calibration needs at least 2`,
    );
  if (refs.length < 2) throw new Error(`calibrate: give at least 2 --ref images, got ${refs.length}`);
  const rule = ruleOf(values.margin, values['false-reject-rate']);
  const choice = await promptChoice('calibrate', values);
  const { prompts, temperature } = recipe ? { ...choice, prompts: recipe.prompts } : choice;

  const device = parseDeviceFlag(values.device, 'calibrate');
  const model = await resolveModelArg(values.model, 'calibrate', { pin: recipe?.recipe.model });
  if (recipe) await checkRecipeModel(recipe.recipe, model, 'calibrate');
  const engine = await openCliEngine(model, device, {
    temperature,
  });
  try {
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
    if (recipe && values['write-recipe']) {
      const updated = {
        ...recipe.recipe,
        thresholds: { ...recipe.recipe.thresholds, 'few-shot': { image: t.image, pixel: t.pixel } },
        calibration: {
          rule: describeRule(t.rule),
          references: refs.length,
          imageThreshold: t.image,
          pixelThreshold: t.pixel,
        },
      };
      await writeFile(values['write-recipe'], serializeRecipe(updated));
    }
    if (values.out) await writeFile(values.out, json);
    else process.stdout.write(`${json}\n`);
    return 0;
  } finally {
    await engine.dispose();
  }
}
