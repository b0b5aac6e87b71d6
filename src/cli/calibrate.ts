/**
 * `winclip calibrate`: leave-one-out over the --ref images (K >= 2). Prints each reference's score
 * against the other K − 1 and the suggested image and pixel thresholds.
 */
import { writeFile } from 'node:fs/promises';
import { DEFAULT_THRESHOLD_RULE, describeRule, type ThresholdRule } from '../core/calibration';
import { formatBox, type InspectionSetup } from '../core/inspection-region';
import { DEFAULT_OBJECT_NAME } from '../core/prompts';
import { recalibrated, serializeRecipe, validateRecipe } from '../core/recipe';
import { modeOf, recipeModeOf } from '../core/scoring-mode';
import type { RgbImage } from '../core/types';
import { type BankScorer, calibrate } from '../engine/calibration';
import { ProgressBar } from '../eval/progress';
import { decodeImageBytes, decodeImageFile } from '../io/decode-node';
import { openCliEngine, parseDeviceFlag } from './device';
import { EXIT } from './exit-codes';
import { parseCommand } from './flags';
import { expandInputs, relativeToCommonFolder } from './inputs';
import { resolveModelArg } from './model-arg';
import { promptChoice } from './prompt-flags';
import { checkRecipeModel, readRecipeInput, refuseWithRecipe } from './recipe-input';
import { newRecipe } from './recipe-output';
import { CALIBRATE_SPEC } from './specs';
import { UsageError } from './usage-error';

function ruleOf(margin: string | undefined, rate: string | undefined): ThresholdRule {
  if (margin !== undefined && rate !== undefined)
    throw new UsageError('calibrate', 'give --margin or --false-reject-rate, not both');
  if (rate !== undefined) {
    const r = Number(rate);
    if (!(r >= 0 && r <= 1))
      throw new UsageError('calibrate', `--false-reject-rate must be in [0, 1], got '${rate}'`);
    return { kind: 'false-reject-rate', rate: r };
  }
  if (margin !== undefined) {
    const k = Number(margin);
    if (!(k >= 0)) throw new UsageError('calibrate', `--margin must be a number >= 0, got '${margin}'`);
    return { kind: 'max-plus-std', k };
  }
  return DEFAULT_THRESHOLD_RULE;
}

/**
 * The recipe's inspection setup for its own references: they are cropped by its ROI when they share one
 * size (one camera framing), else used whole, and the note says so (as `score` does for one of another size).
 */
function calibrationSetup(
  setup: InspectionSetup,
  images: readonly RgbImage[],
  notes: { write: (s: string) => unknown },
): InspectionSetup {
  const sizes = new Set(images.map((im) => `${im.width}×${im.height}`));
  if (!setup.roi || sizes.size === 1) return setup;
  notes.write(
    `winclip: note: the recipe's references have different sizes (${[...sizes].join(', ')}), so they are used whole (the inspection region ${formatBox(setup.roi)} is not applied to them)\n`,
  );
  return { ignore: setup.ignore };
}

/** Flags a written recipe cannot carry: refused rather than written into a recipe that scores differently. */
function checkWriteRecipe(values: { recipe?: string; prompts?: string; temperature?: string }): void {
  if (values.temperature !== undefined)
    throw new UsageError('calibrate', '--write-recipe: a recipe does not hold --temperature; leave it out');
  if (!values.recipe && values.prompts !== undefined)
    throw new UsageError(
      'calibrate',
      "--write-recipe: a recipe holds state words and templates, not a --prompts file's sentences; use --object",
    );
}

export async function runCalibrate(argv: string[]): Promise<number> {
  const { values } = parseCommand(CALIBRATE_SPEC, argv);
  if (!values.model) throw new UsageError('calibrate', '--model <dir|owner/name[@revision]> is required');
  if (values.recipe) refuseWithRecipe('calibrate', values, ['object', 'prompts', 'ref']);
  if (values['write-recipe']) checkWriteRecipe(values);
  const rule = ruleOf(values.margin, values['false-reject-rate']);
  const device = parseDeviceFlag(values.device, 'calibrate');
  const quiet = !!values.quiet;
  const recipe = values.recipe ? await readRecipeInput(values.recipe, 'calibrate') : null;
  const given = values.ref ?? [];
  if (new Set(given).size !== given.length) throw new UsageError('calibrate', 'a --ref image is given twice');
  const refs = recipe ? recipe.references.map((r) => r.name) : await expandInputs(given, '--ref');
  if (recipe && refs.length < 2)
    throw new Error(
      `calibrate: the recipe holds ${refs.length} reference shots; calibration needs at least 2`,
    );
  if (refs.length < 2) throw new UsageError('calibrate', `give at least 2 --ref images, got ${refs.length}`);
  const choice = await promptChoice('calibrate', values);
  const { prompts, temperature } = recipe ? { ...choice, prompts: recipe.prompts } : choice;

  const notes = quiet ? { write: () => true } : process.stderr;
  const model = await resolveModelArg(values.model, 'calibrate', { pin: recipe?.recipe.model });
  if (recipe) await checkRecipeModel(recipe.recipe, model, 'calibrate');
  const engine = await openCliEngine(model, device, { temperature }, notes);
  try {
    await engine.setPrompts(prompts);
    // Progress only on a terminal; the JSON comes after the bars have finished their lines.
    const showProgress = !quiet && !!process.stderr.isTTY;
    const encodeBar = showProgress
      ? new ProgressBar(process.stderr, 'encoding references', refs.length)
      : null;
    const keys = refs.map((f, i) => `ref:${i}:${f}`);
    const images: RgbImage[] = [];
    for (const [i, f] of refs.entries()) {
      const shot = recipe?.references[i];
      images.push(shot ? await decodeImageBytes(shot.bytes, shot.name) : await decodeImageFile(f));
    }
    const setup = recipe?.recipe.inspection && calibrationSetup(recipe.recipe.inspection, images, notes);
    for (const [i, image] of images.entries()) {
      await engine.encode(keys[i], image, { roi: setup?.roi });
      encodeBar?.tick();
    }
    encodeBar?.finish();
    const looBar = showProgress ? new ProgressBar(process.stderr, 'leave-one-out', refs.length) : null;
    const scorer: BankScorer = {
      scoreWithBank: async (key, bank, options) => {
        const r = await engine.scoreWithBank(key, bank, options);
        looBar?.tick();
        return r;
      },
    };
    // The recipe's don't-care areas stay out of the pixel statistics.
    const cal = await calibrate(scorer, keys, setup ? { setup } : {}, rule);
    const t = cal.thresholds;
    looBar?.finish(`image threshold ${t.image.toFixed(4)}, pixel threshold ${t.pixel.toFixed(4)}`);
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
    const bankMode = modeOf({ readyReferences: refs.length });
    const calibration = {
      rule: describeRule(t.rule),
      references: refs.length,
      imageThreshold: t.image,
      pixelThreshold: t.pixel,
    };
    if (values['write-recipe']) {
      const written = recipe
        ? {
            ...recipe.recipe,
            thresholds: {
              ...recipe.recipe.thresholds,
              [recipeModeOf(bankMode)]: recalibrated(
                recipe.recipe.thresholds[recipeModeOf(bankMode)],
                t.image,
                t.pixel,
              ),
            },
            calibration,
          }
        : await newRecipe({
            model,
            objectName: values.object ?? DEFAULT_OBJECT_NAME,
            references: relativeToCommonFolder(refs).map((name, i) => ({ file: refs[i], name })),
            calibration,
          });
      // Checked as `score --recipe` will read it, so a recipe that cannot be loaded is never written.
      await writeFile(values['write-recipe'], serializeRecipe(validateRecipe(written)));
    }
    if (values.out) await writeFile(values.out, json);
    else process.stdout.write(`${json}\n`);
    return EXIT.ok;
  } finally {
    await engine.dispose();
  }
}
