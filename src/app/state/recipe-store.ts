/** Recipe state kept apart from the main store: the offer to load a recipe's model, and the last recipe. */
import { create } from 'zustand';
import type { RecipeCalibration, RecipeModel } from '../../core/recipe';
import type { ModelSource } from './types';

export interface RecipeOffer {
  /** Why the loaded model (or none) is not the recipe's. */
  message: string;
  /** The recipe's model, when it can be loaded from here (hub repo or folder URL). */
  source: ModelSource | null;
}

export interface RecipeState {
  offer: RecipeOffer | null;
  /** Name of the last recipe opened, shown in the recipe bar. */
  lastOpened: string | null;
  busy: boolean;
  /** The opened recipe's calibration, saved again while its thresholds and bank size still hold. */
  calibration: RecipeCalibration | null;
  /** The model the opened recipe names, checked again whenever a model becomes ready. */
  model: RecipeModel | null;
}

export const useRecipe = create<RecipeState>()(() => ({
  offer: null,
  lastOpened: null,
  busy: false,
  calibration: null,
  model: null,
}));
