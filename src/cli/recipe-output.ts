/**
 * `calibrate --write-recipe` without `--recipe`: a new recipe from the command's own flags — the model
 * folder's identity, the --object prompt ensemble, the --ref images as reference shots, and the
 * thresholds calibrate suggested, filed under few-shot (the mode a bank of shots is scored in).
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DEFAULT_ANOMALOUS_STATES, DEFAULT_NORMAL_STATES, DEFAULT_TEMPLATES } from '../core/prompts';
import {
  bytesToBase64,
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type Recipe,
  type RecipeCalibration,
  type RecipeModel,
} from '../core/recipe';
import { modeOf, recipeModeOf } from '../core/scoring-mode';
import type { CliModel } from './model-arg';
import { fingerprintModelDir } from './recipe-input';

const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
};

/** The media type the app gives a picked file of this name (unknown extensions: octet-stream). */
function mediaTypeOf(file: string): string {
  return MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The model as a recipe names it: its weights' size and sampled fingerprint; a hub model by repo and the
 * commit it resolved to (so the recipe reloads exactly those files), a folder by its name.
 */
async function modelIdentity(model: CliModel): Promise<RecipeModel> {
  const weights = await fingerprintModelDir(model.dir);
  return {
    source: model.hub ? { kind: 'hub', repo: model.hub.repo } : { kind: 'local' },
    label: model.hub ? model.hub.repo : basename(model.dir.replace(/[\\/]+$/, '')) || model.dir,
    weightsBytes: weights.bytes,
    weightsFingerprint: weights.fingerprint,
    commit: model.hub?.commit ?? null,
  };
}

export interface NewRecipe {
  model: CliModel;
  objectName: string;
  /** Reference image files and the names they get in the recipe (distinct, readable). */
  references: { file: string; name: string }[];
  calibration: RecipeCalibration;
}

export async function newRecipe(r: NewRecipe): Promise<Recipe> {
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    createdAt: new Date().toISOString(),
    model: await modelIdentity(r.model),
    prompts: {
      objectName: r.objectName,
      normalStates: [...DEFAULT_NORMAL_STATES],
      anomalousStates: [...DEFAULT_ANOMALOUS_STATES],
      templates: [...DEFAULT_TEMPLATES],
    },
    // Filed under the mode the calibrated bank scores in.
    thresholds: {
      [recipeModeOf(modeOf({ readyReferences: r.calibration.references }))]: {
        image: r.calibration.imageThreshold,
        pixel: r.calibration.pixelThreshold,
      },
    },
    calibration: r.calibration,
    references: await Promise.all(
      r.references.map(async ({ file, name }) => ({
        name,
        mediaType: mediaTypeOf(file),
        data: bytesToBase64(new Uint8Array(await readFile(file))),
      })),
    ),
  };
}
