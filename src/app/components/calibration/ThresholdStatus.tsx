/**
 * Which mode the thresholds on the sliders belong to and where they came from: calibrated from the
 * reference bank, from marked images, set by hand, from a recipe, or not calibrated at all (defaults).
 * A threshold set under other prompts or another model is called stale. A calibration that differs
 * from thresholds the user set is offered here, never applied over them.
 */
import { useShallow } from 'zustand/react/shallow';
import { describeRule } from '../../../core/calibration';
import { parseThresholdKey } from '../../../core/scoring-mode';
import { applyBankSuggestion, declineBankSuggestion } from '../../services/calibration-service';
import { currentModeKey, keyLabel, useCalib } from '../../state/calibration';
import { patchUi, useApp } from '../../state/store';
import { type ThresholdState, thresholdStateOf } from '../../state/threshold-decisions';

function useThresholdState(): { key: string; state: ThresholdState } {
  const { key, model, prompts } = useApp(
    useShallow((s) => ({ key: currentModeKey(s), model: s.model, prompts: s.prompts })),
  );
  const entry = useCalib((c) => c.byMode[key]);
  return { key, state: thresholdStateOf(entry, { model, prompts }) };
}

const TEXT: Record<ThresholdState, string> = {
  uncalibrated: 'Not judged yet: no threshold for this mode',
  stale: 'Stale: set for other prompts or another model',
  'reference-bank': 'Calibrated from the reference bank',
  labels: 'Set from your marks',
  manual: 'Set by hand',
  recipe: 'From the recipe',
};

const TIP: Record<ThresholdState, string> = {
  uncalibrated:
    'No threshold was calibrated or set for this mode yet, so its scores get no OK/NG: scores of different modes live on different scales and a default would mean nothing. Add K ≥ 2 good references, mark images OK/NG, or set a threshold on the slider.',
  stale:
    'These thresholds were set under other prompts or another model, so scores may have moved. Use the calibration offered here, or set them again.',
  'reference-bank': 'Leave-one-out: each good reference scored against the others',
  labels: 'Picked from the OK/NG marks in the Calibration tab',
  manual: 'Typed or dragged on the sliders for this mode',
  recipe: 'Opened from a recipe file, for the model it names; kept until you change them',
};

export function ThresholdStatus({ inPanel = false }: { inPanel?: boolean }) {
  const { key, state } = useThresholdState();
  const { loo, declined } = useCalib(useShallow((c) => ({ loo: c.loo, declined: c.declined })));
  const suggestion = loo.status === 'done' && loo.modeKey === key ? loo.suggested : null;
  const thresholds = useApp((s) => s.thresholds);
  const differs =
    suggestion &&
    state !== 'reference-bank' &&
    (Math.abs(suggestion.image - thresholds.image) > 1e-9 ||
      Math.abs(suggestion.pixel - thresholds.pixel) > 1e-9);
  // Declined offers stay in the Calibration tab, not on the toolbar.
  const offered = differs && (inPanel || declined !== loo.signature);
  return (
    <div className="threshold-status" data-testid="threshold-status" data-state={state} data-mode={key}>
      <span
        className={`badge badge-mode mode-${parseThresholdKey(key)?.kind}`}
        title="Thresholds belong to a mode: zero-shot, or few-shot with K references"
      >
        {keyLabel(key)}
      </span>
      <span
        className={`calib-state calib-${state}`}
        data-testid="threshold-source"
        title={
          state === 'reference-bank' && suggestion
            ? `${TIP[state]}: ${describeRule(suggestion.rule)}`
            : TIP[state]
        }
      >
        {TEXT[state]}
      </span>
      {(loo.status === 'running' || loo.status === 'waiting') && loo.modeKey !== null && (
        <span className="muted small" data-testid="loo-progress">
          {loo.status === 'running'
            ? `calibrating ${loo.done}/${loo.total}…`
            : 'calibration waits for the queue…'}
        </span>
      )}
      {offered && (
        <span
          className="calib-offer"
          data-testid="calibration-offer"
          title="The reference bank was calibrated again. Your thresholds stay until you choose."
        >
          New calibration {suggestion.image.toFixed(4)} / {suggestion.pixel.toFixed(4)}
          <button type="button" className="btn btn-small btn-primary" onClick={applyBankSuggestion}>
            Use
          </button>
          {!inPanel && (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              title={`Keep ${thresholds.image.toFixed(4)} / ${thresholds.pixel.toFixed(4)}`}
              onClick={declineBankSuggestion}
            >
              Keep current
            </button>
          )}
        </span>
      )}
      {!inPanel && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => patchUi({ sideTab: 'calibration' })}
        >
          Calibration…
        </button>
      )}
    </div>
  );
}
