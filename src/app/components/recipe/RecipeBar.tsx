/** Open or save a recipe (the station's whole setup in one file); always under the setup tabs. */
import { exportRecipe, importRecipeFile } from '../../services/recipe-service';
import { useRecipe } from '../../state/recipe-store';
import { useApp } from '../../state/store';
import { FilePickButton } from '../common/FilePickButton';
import './recipe.css';

export function RecipeBar() {
  const hasModel = useApp((s) => s.model.source !== null);
  const { lastOpened, busy } = useRecipe();
  return (
    <section className="recipe-bar" aria-label="Recipe" data-testid="recipe-bar">
      <div className="recipe-bar-text">
        <b>Recipe</b>
        <span className="muted" title={lastOpened ?? undefined}>
          {busy ? 'Opening…' : lastOpened ? lastOpened : 'model, prompts, thresholds, references'}
        </span>
      </div>
      <FilePickButton
        label="Open…"
        accept=".json,application/json"
        multiple={false}
        className="btn btn-small"
        testId="recipe-file-input"
        onFiles={([f]) => void importRecipeFile(f)}
      />
      <button
        type="button"
        className="btn btn-small"
        disabled={!hasModel}
        title={hasModel ? 'Save this setup as a recipe file' : 'Load a model first'}
        onClick={() => void exportRecipe()}
      >
        Save
      </button>
    </section>
  );
}
