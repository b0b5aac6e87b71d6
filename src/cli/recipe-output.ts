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
export function mediaTypeOf(file: string): string {
  return MEDIA_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A model folder as a recipe names it: its weights' size and sampled fingerprint, labelled by folder. */
export async function localModelIdentity(modelDir: string): Promise<RecipeModel> {
  const weights = await fingerprintModelDir(modelDir);
  return {
    source: { kind: 'local' },
    label: basename(modelDir.replace(/[\\/]+$/, '')) || modelDir,
    weightsBytes: weights.bytes,
    weightsFingerprint: weights.fingerprint,
  };
}

export interface NewRecipe {
  modelDir: string;
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
    model: await localModelIdentity(r.modelDir),
    prompts: {
      objectName: r.objectName,
      normalStates: [...DEFAULT_NORMAL_STATES],
      anomalousStates: [...DEFAULT_ANOMALOUS_STATES],
      templates: [...DEFAULT_TEMPLATES],
    },
    thresholds: {
      'few-shot': { image: r.calibration.imageThreshold, pixel: r.calibration.pixelThreshold },
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
