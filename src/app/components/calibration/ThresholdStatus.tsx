/**
 * Which mode the thresholds on the sliders belong to and where they came from: calibrated from the
 * reference bank, from marked images, set by hand, or not calibrated at all (defaults). A threshold
 * set under other prompts or another model is called stale instead of being applied silently.
 */
import { useShallow } from 'zustand/react/shallow';
import { describeRule } from '../../../core/calibration';
import { parseThresholdKey } from '../../../core/scoring-mode';
import { applyBankSuggestion } from '../../services/calibration-service';
import { basisOf, currentModeKey, keyLabel, useCalib } from '../../state/calibration';
import { patchUi, useApp } from '../../state/store';

export type ThresholdState = 'uncalibrated' | 'stale' | 'reference-bank' | 'labels' | 'manual';

export function useThresholdState(): { key: string; state: ThresholdState } {
  const { key, basis } = useApp(useShallow((s) => ({ key: currentModeKey(s), basis: basisOf(s) })));
  const entry = useCalib((c) => c.byMode[key]);
  if (!entry) return { key, state: 'uncalibrated' };
  if (entry.basis !== basis) return { key, state: 'stale' };
  return { key, state: entry.source };
}

const TEXT: Record<ThresholdState, string> = {
  uncalibrated: 'Uncalibrated: default thresholds',
  stale: 'Stale: set for other prompts or another model',
  'reference-bank': 'Calibrated from the reference bank',
  labels: 'Set from your marks',
  manual: 'Set by hand',
};

const TIP: Record<ThresholdState, string> = {
  uncalibrated:
    'No threshold was calibrated or set for this mode yet. Scores of different modes live on different scales, so the defaults (0.5) are unlikely to fit: add K ≥ 2 good references or mark images OK/NG.',
  stale:
    'These thresholds were set under other prompts or another model, so scores may have moved. Recalibrate (the reference bank does it by itself) or set them again.',
  'reference-bank': 'Leave-one-out: each good reference scored against the others',
  labels: 'Picked from the OK/NG marks in the Calibration tab',
  manual: 'Typed or dragged on the sliders for this mode',
};

export function ThresholdStatus({ inPanel = false }: { inPanel?: boolean }) {
  const { key, state } = useThresholdState();
  const loo = useCalib((c) => c.loo);
  const suggestion = loo.status === 'done' && loo.modeKey === key ? loo.suggested : null;
  const thresholds = useApp((s) => s.thresholds);
  const differs =
    suggestion &&
    state !== 'reference-bank' &&
    (Math.abs(suggestion.image - thresholds.image) > 1e-9 ||
      Math.abs(suggestion.pixel - thresholds.pixel) > 1e-9);
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
      {differs && (
        <button type="button" className="btn btn-small" onClick={applyBankSuggestion}>
          Use calibrated {suggestion.image.toFixed(3)} / {suggestion.pixel.toFixed(3)}
        </button>
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
