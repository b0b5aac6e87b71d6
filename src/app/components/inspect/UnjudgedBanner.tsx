/**
 * Above the gallery while scores have no threshold: why there is no OK/NG, that the maps are relative
 * to each image, and the actions that give the mode a threshold (each goes where it is done).
 */
import { fixFor } from '../../state/judging';
import { countVerdicts } from '../../state/selectors';
import { patchUi, useApp } from '../../state/store';
import { useJudging } from '../../state/use-judging';

export function UnjudgedBanner() {
  const images = useApp((s) => s.images);
  const { policyOf, regionsOf, modeKey } = useJudging();
  const { unjudged } = countVerdicts(images, policyOf, regionsOf);
  if (unjudged === 0) return null;
  const fix = fixFor(modeKey);
  return (
    <div className="unjudged-banner" role="status" data-testid="unjudged-banner">
      <span>
        <b>Not judged yet:</b> {unjudged} scored image{unjudged === 1 ? ' has' : 's have'} no threshold for
        {unjudged === 1 ? ' its' : ' their'} mode, so no OK/NG. Maps are coloured relative to each image.
      </span>
      <span className="unjudged-actions">
        {fix.tab === 'references' && (
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={() => patchUi({ sideTab: 'references' })}
          >
            {fix.label}
          </button>
        )}
        <button type="button" className="btn btn-small" onClick={() => patchUi({ sideTab: 'calibration' })}>
          Mark a few parts
        </button>
        <button
          type="button"
          className="btn btn-small"
          title="Type or drag the image threshold below; it becomes this mode's"
          onClick={() =>
            document.querySelector<HTMLInputElement>('[aria-label="Image threshold value"]')?.focus()
          }
        >
          Set a threshold
        </button>
      </span>
    </div>
  );
}
