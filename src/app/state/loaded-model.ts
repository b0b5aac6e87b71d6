/** The loaded (or loading) model described as a recipe names a model: source, label, weights, commit. */
import type { RecipeModel } from '../../core/recipe';
import type { AppState } from './store';

/** Null when no model is loaded or loading. */
export function loadedModelOf(s: Pick<AppState, 'model'>): RecipeModel | null {
  const { model } = s;
  const src = model.source;
  if (!src) return null;
  return {
    source:
      src.kind === 'hub'
        ? { kind: 'hub', repo: src.repo }
        : src.kind === 'url'
          ? { kind: 'url', url: src.baseUrl }
          : { kind: 'local' },
    label: src.kind === 'hub' ? src.repo : src.label,
    weightsBytes: model.weightsBytes,
    weightsFingerprint: model.weightsFingerprint,
    commit: model.info?.commit ?? null,
  };
}
