/**
 * The Calibration tab: thresholds of the current mode from the reference bank (leave-one-out) and
 * from the images the user marked OK or NG (histogram, ROC, confusion matrix, suggested thresholds).
 */
import { useShallow } from 'zustand/react/shallow';
import { describeRule } from '../../../core/calibration';
import {
  aurocOf,
  confusionAt,
  type LabelledScore,
  labelHistogram,
  type MarginedThreshold,
  rocCurve,
  suggestFromLabels,
} from '../../../core/label-metrics';
import { applyBankSuggestion, applyLabelThreshold, recalibrate } from '../../services/calibration-service';
import {
  currentModeKey,
  imageModeKey,
  keyLabel,
  labelOf,
  readyReferences,
  useCalib,
} from '../../state/calibration';
import { formatThreshold } from '../../state/judging';
import { patchUi, useApp } from '../../state/store';
import { referencesWaitText } from '../../state/wait-text';
import { RocChart, ScoreHistogram } from './charts';
import { HowToRead } from './HowToRead';
import { PolicySettings } from './PolicySettings';
import { ThresholdStatus } from './ThresholdStatus';

function BankCalibration() {
  const k = useApp(readyReferences);
  const key = useApp(currentModeKey);
  const thresholds = useApp((s) => s.thresholds);
  const loo = useCalib((c) => c.loo);
  const waiting = useApp((s) =>
    referencesWaitText(
      s.references.filter((r) => r.status === 'pending' || r.status === 'encoding').length,
      s.model.phase,
    ),
  );
  if (waiting) {
    return (
      <p className="muted small" data-testid="loo-needs">
        {waiting}.{' '}
        <button type="button" className="link" onClick={() => patchUi({ sideTab: 'model' })}>
          Model
        </button>
      </p>
    );
  }
  if (k < 2) {
    return (
      <p className="muted small" data-testid="loo-needs">
        Add at least 2 photos of good parts in{' '}
        <button type="button" className="link" onClick={() => patchUi({ sideTab: 'references' })}>
          References
        </button>{' '}
        (K = {k} now). Each is then scored against the others, which shows where good parts score.
      </p>
    );
  }
  const inUse =
    loo.suggested &&
    Math.abs(loo.suggested.image - thresholds.image) < 1e-9 &&
    Math.abs(loo.suggested.pixel - thresholds.pixel) < 1e-9;
  return (
    <div data-testid="loo-panel" data-status={loo.status}>
      {loo.status === 'running' && (
        <p className="small">
          Scoring reference {Math.min(loo.done + 1, loo.total)} of {loo.total} against the other{' '}
          {loo.total - 1}…
        </p>
      )}
      {loo.status === 'waiting' && <p className="small muted">Waits until the image queue is done…</p>}
      {loo.status === 'error' && (
        <p className="field-error">
          Calibration failed: {loo.error}{' '}
          <button type="button" className="btn btn-small" onClick={recalibrate}>
            Retry
          </button>
        </p>
      )}
      {loo.entries.length > 0 && (
        <table className="calib-table" data-testid="loo-table">
          <thead>
            <tr>
              <th>Reference</th>
              <th title="Its few-shot score against the other K − 1 references">Score</th>
              <th title="Highest pixel of its anomaly map against the others">Max px</th>
            </tr>
          </thead>
          <tbody>
            {loo.entries.map((e) => (
              <tr key={e.id}>
                <td className="ellipsis" title={e.name}>
                  {e.name}
                </td>
                <td className="mono">{e.imageScore.toFixed(4)}</td>
                <td className="mono">{e.maxPixel.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loo.status === 'done' && loo.suggested && (
        <div className="suggested" data-testid="loo-suggested">
          <p className="small">
            Rule: <b>{describeRule(loo.suggested.rule)}</b> (image threshold on the scores, pixel threshold on
            the max pixels), for {keyLabel(loo.modeKey ?? key)}.
          </p>
          <dl className="kv">
            <dt>Image threshold</dt>
            <dd className="mono" data-testid="loo-image-threshold">
              {loo.suggested.image.toFixed(4)}
            </dd>
            <dt>Pixel threshold</dt>
            <dd className="mono" data-testid="loo-pixel-threshold">
              {loo.suggested.pixel.toFixed(4)}
            </dd>
          </dl>
          {inUse ? (
            <p className="small ok-text">In use.</p>
          ) : (
            <button type="button" className="btn btn-small btn-primary" onClick={applyBankSuggestion}>
              Use these thresholds
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function pct(v: number): string {
  return `${(v * 100).toFixed(0)}%`;
}

/** How far below the part it sits on a suggestion is, in words ("0.0004 below the weakest NG"). */
function marginText(c: MarginedThreshold): string {
  const part = c.onLabel === 'NG' ? 'the weakest flagged NG' : 'the lowest flagged OK part';
  if (c.margin === 0)
    return `on ${part} (${formatThreshold(c.onScore)}): no marked score below it to make room`;
  return `${formatThreshold(c.margin)} below ${part} (${formatThreshold(c.onScore)}), halfway to the next marked score`;
}

function Suggestion({ title, c, hint }: { title: string; c: MarginedThreshold | null; hint: string }) {
  if (!c) return null;
  return (
    <li title={hint}>
      <span>{title}</span>
      <span className="mono">{formatThreshold(c.threshold)}</span>
      <span className="muted small suggestion-margin">{marginText(c)}</span>
      <span className="muted small">
        {c.fn} missed · {c.fp} false rejects
      </span>
      <button type="button" className="btn btn-small" onClick={() => applyLabelThreshold(c.threshold)}>
        Use
      </button>
    </li>
  );
}

function LabelCalibration() {
  const { images, threshold, key } = useApp(
    useShallow((s) => ({ images: s.images, threshold: s.thresholds.image, key: currentModeKey(s) })),
  );
  const { labels, targetFrr } = useCalib(useShallow((c) => ({ labels: c.labels, targetFrr: c.targetFrr })));
  const items: LabelledScore[] = [];
  let otherMode = 0;
  for (const im of images) {
    const label = labelOf(labels, im);
    if (!label || !im.result) continue;
    if (imageModeKey(im) !== key) otherMode++;
    else items.push({ score: im.result.score, label });
  }
  const nOk = items.filter((i) => i.label === 'OK').length;
  const nNg = items.length - nOk;
  if (items.length === 0) {
    return (
      <p className="muted small" data-testid="labels-empty">
        Mark images OK or NG: <kbd>G</kbd> / <kbd>N</kbd> on a focused card or in the detail view (the same
        key again clears the mark). Marks are kept across reloads and exported.
      </p>
    );
  }
  // The range takes in the threshold too, so its line shows even when every score is on one side.
  const all = [...items.map((i) => i.score), threshold];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = (hi - lo) * 0.04 || 1e-3;
  const hist = labelHistogram(items, 16, { lo: lo - pad, hi: hi + pad });
  const both = nOk > 0 && nNg > 0;
  const roc = both ? rocCurve(items) : null;
  const auroc = roc ? aurocOf(roc) : null;
  const c = confusionAt(items, threshold);
  const s = suggestFromLabels(items, targetFrr);
  return (
    <div data-testid="labels-panel">
      <p className="small" data-testid="labels-counts">
        {nOk} marked OK, {nNg} marked NG in {keyLabel(key)}
        {otherMode > 0 ? ` (${otherMode} more scored in another mode are left out)` : ''}.
      </p>
      <div className="chart-legend small">
        <span className="sw sw-ok" /> OK <span className="sw sw-ng" /> NG <span className="sw sw-thr" /> image
        threshold
      </div>
      <ScoreHistogram hist={hist} threshold={threshold} />
      {roc && auroc !== null && (
        <div className="roc-row">
          <RocChart points={roc} auroc={auroc} at={{ fpr: c.falseRejectRate, tpr: c.recall }} />
          <div>
            <div
              className="big mono"
              data-testid="label-auroc"
              title="Area under the ROC curve: the chance that an NG part scores above an OK part (1 = perfect separation, 0.5 = chance)"
            >
              AUROC {auroc.toFixed(3)}
            </div>
          </div>
        </div>
      )}
      <table
        className="confusion"
        data-testid="confusion"
        title={`At the current image threshold ${threshold.toFixed(4)}`}
      >
        <thead>
          <tr>
            <th />
            <th>flagged NG</th>
            <th>passed OK</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>marked NG</th>
            <td className="hit" data-testid="cm-tp">
              {c.tp}
            </td>
            <td className="miss" data-testid="cm-fn" title="Missed defects">
              {c.fn}
            </td>
          </tr>
          <tr>
            <th>marked OK</th>
            <td className="miss" data-testid="cm-fp" title="False rejects">
              {c.fp}
            </td>
            <td className="hit" data-testid="cm-tn">
              {c.tn}
            </td>
          </tr>
        </tbody>
      </table>
      <p className="small muted">
        At {threshold.toFixed(4)}: {c.fn} of {nNg} NG missed, {c.fp} of {nOk} OK rejected (
        {pct(c.falseRejectRate)}).
      </p>
      <ul className="suggestions" data-testid="label-suggestions">
        <Suggestion
          title="No missed NG"
          c={s.zeroMiss}
          hint="Flags every part marked NG, with room below the weakest one"
        />
        <Suggestion title="Best F1" c={s.bestF1} hint="Balances missed NG and false rejects (F1 score)" />
        <li className="frr-row">
          <label className="field-inline">
            False rejects ≤
            <input
              type="number"
              min={0}
              max={100}
              step={1}
              value={Math.round(targetFrr * 100)}
              aria-label="Target false-reject rate in percent"
              onChange={(e) => {
                const v = Number(e.target.value);
                if (Number.isFinite(v)) useCalib.setState({ targetFrr: Math.min(1, Math.max(0, v / 100)) });
              }}
            />
            %
          </label>
        </li>
        <Suggestion
          title={`False rejects ≤ ${pct(targetFrr)}`}
          c={s.targetFalseReject}
          hint="The lowest threshold that rejects at most this share of the parts marked OK"
        />
      </ul>
    </div>
  );
}

export function CalibrationPanel() {
  return (
    <div className="calibration" data-testid="calibration-panel">
      <section className="panel-section">
        <h3>Thresholds in use</h3>
        <ThresholdStatus inPanel />
      </section>
      <section className="panel-section">
        <h3>Verdict policy</h3>
        <PolicySettings />
      </section>
      <section className="panel-section">
        <h3>From the reference bank</h3>
        <BankCalibration />
      </section>
      <section className="panel-section">
        <h3>From your marks</h3>
        <LabelCalibration />
      </section>
      <section className="panel-section">
        <HowToRead open />
      </section>
    </div>
  );
}
