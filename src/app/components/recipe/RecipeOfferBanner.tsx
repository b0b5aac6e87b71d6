/** Shown when an opened recipe names a model other than the loaded one: say so, offer to load it. */
import { acceptRecipeOffer, dismissRecipeOffer } from '../../services/recipe-service';
import { useRecipe } from '../../state/recipe-store';

export function RecipeOfferBanner() {
  const offer = useRecipe((s) => s.offer);
  if (!offer) return null;
  return (
    <div className="recipe-offer" role="alert" data-testid="recipe-offer">
      <span>{offer.message}</span>
      {offer.source && (
        <button type="button" className="btn btn-small btn-primary" onClick={acceptRecipeOffer}>
          Load {offer.source.kind === 'hub' ? offer.source.repo : offer.source.label}
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost" onClick={dismissRecipeOffer}>
        Dismiss
      </button>
    </div>
  );
}
