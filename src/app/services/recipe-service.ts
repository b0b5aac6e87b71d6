/**
 * Recipes in the app: save the station's setup (model identity, prompts, thresholds of the current
 * mode, reference shots) as one JSON file; open one from a file, a drop or `?recipe=<url>`. Opening
 * replaces prompts, thresholds and the bank; when the recipe names another model it says so and
 * offers to load that one. Its thresholds stay "from the recipe" and become the model's as soon as
 * the recipe's model is loaded, whichever way (hub, folder URL, picked or kept files).
 */

import { errorText } from '../../core/errors';
import type { InspectionSetup } from '../../core/inspection-region';
import { isWholeImage } from '../../core/inspection-setup-format';
import {
  base64ToBytes,
  bytesToBase64,
  modelMismatch,
  parseRecipe,
  RECIPE_FORMAT,
  RECIPE_VERSION,
  type Recipe,
  type RecipeCalibration,
  type RecipeModel,
  recipeThresholds,
  serializeRecipe,
} from '../../core/recipe';
import {
  isModeKind,
  modeLabel,
  modeOf,
  modeOfRecipeEntry,
  recipeModeOf,
  thresholdKey,
} from '../../core/scoring-mode';
import { baseName, downloadBlob, stamp } from '../export/download';
import { currentMode, currentModeKey, useCalib } from '../state/calibration';
import { useInspectionSetup, WHOLE_IMAGE } from '../state/inspection-setup';
import { loadedModelOf } from '../state/loaded-model';
import { useRecipe } from '../state/recipe-store';
import { type AppState, notify, useApp } from '../state/store';
import type { ModelSource } from '../state/types';
import { setModeThresholds } from './calibration-service';
import { applyInspectionSetup } from './inspection-setup-service';
import { hubSource, urlSource } from './model-actions';
import { loadModel } from './model-service';
import { updatePrompts } from './prompt-service';
import { replaceReferences } from './reference-service';

/** The loaded (or loading) model as a recipe names it, or null when there is none. */
export function currentModelIdentity(): RecipeModel | null {
  return loadedModelOf(useApp.getState());
}

/** The opened recipe's calibration, while the thresholds and bank it was made for are still in use. */
function calibrationStillValid(shots: number): RecipeCalibration | null {
  const c = useRecipe.getState().calibration;
  const t = useApp.getState().thresholds;
  if (!c || currentMode(useApp.getState()).kind !== 'few-shot' || c.references !== shots) return null;
  return c.imageThreshold === t.image && c.pixelThreshold === t.pixel ? c : null;
}

export async function buildRecipe(): Promise<Recipe> {
  const s = useApp.getState();
  const model = currentModelIdentity();
  if (!model) throw new Error('Load a model first: a recipe names the model it was made with.');
  const shots = s.references.filter((r) => r.status !== 'error');
  const references = await Promise.all(
    shots.map(async (r) => ({
      name: r.name,
      mediaType: r.blob.type || 'application/octet-stream',
      data: bytesToBase64(new Uint8Array(await r.blob.arrayBuffer())),
    })),
  );
  return {
    format: RECIPE_FORMAT,
    version: RECIPE_VERSION,
    createdAt: new Date().toISOString(),
    model,
    prompts: {
      objectName: s.prompts.objectName,
      normalStates: [...s.prompts.normalStates],
      anomalousStates: [...s.prompts.anomalousStates],
      templates: [...s.prompts.templates],
    },
    thresholds: recipeThresholdsNow(s),
    calibration: calibrationStillValid(shots.length),
    references,
    ...recipeRegion(useInspectionSetup.getState().setup),
  };
}

/** The recipe's inspection setup: left out for the whole image, so such recipes read as before. */
function recipeRegion(setup: InspectionSetup): Pick<Recipe, 'inspection'> {
  return isWholeImage(setup) ? {} : { inspection: setup };
}

export async function exportRecipe(): Promise<void> {
  try {
    const recipe = await buildRecipe();
    downloadBlob(
      new Blob([serializeRecipe(recipe)], { type: 'application/json' }),
      `winclip-recipe-${baseName(recipe.prompts.objectName)}-${stamp()}.json`,
    );
  } catch (err) {
    notify('error', `Recipe not saved: ${errorText(err)}`);
  }
}

function loadableSource(model: RecipeModel): ModelSource | null {
  const src = model.source;
  // Exactly the commit the recipe was made with (a branch may have moved since).
  if (src.kind === 'hub') return hubSource(src.repo, model.commit);
  if (src.kind === 'url') return urlSource(src.url);
  return null;
}

/**
 * The current mode's thresholds (the sliders) with its review threshold and minimum region area; none
 * while the mode has no threshold: a default is not a setting, and a recipe must not make it one.
 */
function recipeThresholdsNow(s: AppState): Recipe['thresholds'] {
  const e = useCalib.getState().byMode[currentModeKey(s)];
  if (!e) return {};
  return {
    [recipeModeOf(currentMode(s))]: {
      image: s.thresholds.image,
      pixel: s.thresholds.pixel,
      ...(e.review !== undefined ? { review: e.review } : {}),
      ...(e.minArea ? { minRegionArea: e.minArea } : {}),
    },
  };
}

/** Whether the ready model is the recipe's (then its thresholds are that model's at once). */
function isLoaded(want: RecipeModel): boolean {
  const have = currentModelIdentity();
  return useApp.getState().model.phase === 'ready' && have !== null && modelMismatch(want, have) === null;
}

/** Compares the recipe's model with the loaded one; sets or clears the offer to load it. */
function checkModel(want: RecipeModel): void {
  const have = currentModelIdentity();
  const phase = useApp.getState().model.phase;
  const source = loadableSource(want);
  let message: string | null;
  if (!have || phase === 'error' || phase === 'cancelled') {
    message = `This recipe is for ${want.label}, which is not loaded.`;
  } else {
    const why = modelMismatch(want, have);
    message = why ? `${why[0].toUpperCase()}${why.slice(1)}.` : null;
  }
  if (message && !source) message += ' Drop its files in the Model tab.';
  useRecipe.setState({ offer: message ? { message, source } : null });
}

/** Replaces prompts, thresholds and the reference bank with the recipe's. */
async function applyRecipe(recipe: Recipe, name: string): Promise<void> {
  useRecipe.setState({ busy: true, lastOpened: name, calibration: recipe.calibration, model: recipe.model });
  try {
    updatePrompts({ ...recipe.prompts });
    // Thresholds belong to a mode: file them under the modes the recipe's bank puts the app in (the
    // sliders take them when the app is in that mode). Until the recipe's model is loaded they wait
    // for it, so no other model's calibration counts as theirs.
    const awaits = isLoaded(recipe.model) ? undefined : recipe.model;
    for (const [kind, th] of Object.entries(recipe.thresholds)) {
      if (!th || !isModeKind(kind)) continue;
      setModeThresholds(
        thresholdKey(modeOfRecipeEntry(kind, recipe.references.length)),
        { image: th.image, pixel: th.pixel },
        'recipe',
        awaits,
        {
          ...(th.review !== undefined ? { review: th.review } : {}),
          ...(th.minRegionArea ? { minArea: th.minRegionArea } : {}),
        },
      );
    }
    const t = recipeThresholds(recipe);
    checkModel(recipe.model);
    const files = recipe.references.map(
      (r) => new File([base64ToBytes(r.data)], r.name, { type: r.mediaType }),
    );
    // The recipe's bank in place of the current one, in one stored change.
    await replaceReferences(files);
    // Last, so the gallery is scored once with the recipe's bank and region together.
    await applyInspectionSetup(recipe.inspection ?? WHOLE_IMAGE);
    const mode = modeOf({ readyReferences: files.length });
    notify(
      'success',
      `Recipe ${name}: "${recipe.prompts.objectName}", ${modeLabel(mode)}` +
        (t ? `, thresholds ${t.image} / ${t.pixel}.` : ', no thresholds for this mode.'),
    );
  } finally {
    useRecipe.setState({ busy: false });
  }
}

export async function importRecipeText(text: string, name: string): Promise<boolean> {
  let recipe: Recipe;
  try {
    recipe = parseRecipe(text);
  } catch (err) {
    notify('error', `${name}: ${errorText(err)}`);
    return false;
  }
  await applyRecipe(recipe, name);
  return true;
}

export async function importRecipeFile(file: File): Promise<boolean> {
  return importRecipeText(await file.text(), file.name);
}

/** `?recipe=<url>`: fetched like a model file (same origin or CORS). */
export async function importRecipeUrl(url: string): Promise<boolean> {
  let text: string;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    notify('error', `?recipe=${url} could not be fetched (${errorText(err)}).`);
    return false;
  }
  const name = new URL(url, window.location.href).pathname.split('/').pop() || url;
  return importRecipeText(text, name);
}

/** Recipes among dropped files are opened; the other files are returned (images for the queue). */
export function takeRecipeFiles(files: File[]): File[] {
  const rest: File[] = [];
  for (const f of files) {
    if (/\.json$/i.test(f.name) || f.type === 'application/json') void importRecipeFile(f);
    else rest.push(f);
  }
  return rest;
}

export function acceptRecipeOffer(): void {
  const offer = useRecipe.getState().offer;
  useRecipe.setState({ offer: null });
  if (offer?.source) void loadModel(offer.source);
}

export function dismissRecipeOffer(): void {
  useRecipe.setState({ offer: null });
}

/**
 * After a model becomes ready (hub, folder URL, picked or kept files), the offer is checked again:
 * gone when it is the recipe's model, reworded when it is another.
 */
useApp.subscribe((s, prev) => {
  const { offer, model } = useRecipe.getState();
  if (!offer || !model || s.model.phase !== 'ready' || prev.model.phase === 'ready') return;
  checkModel(model);
});
