/**
 * The current mode's verdict policy beyond its NG threshold: a review band (REVIEW from a threshold up
 * to NG) and a region rule (a region at or above the pixel threshold at least this large makes NG).
 * Stored with the mode's thresholds (session and recipe); decided by src/core/verdict-policy.ts.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { REVIEW_RULE_TEXT } from '../../../core/calibration';
import { checkPolicy, type MinRegionArea } from '../../../core/verdict-policy';
import { setPolicyExtras } from '../../services/calibration-service';
import { currentModeKey, keyLabel, useCalib } from '../../state/calibration';
import { useInspectionSetup } from '../../state/inspection-setup';
import { formatThreshold } from '../../state/judging';
import { useApp } from '../../state/store';

/** A number field that keeps what is typed until it is a valid number, then reports it. */
function NumberField(p: {
  label: string;
  value: number;
  step: number;
  min: number;
  max?: number;
  testId: string;
  onValue: (v: number) => void;
}) {
  const [text, setText] = useState<string | null>(null);
  return (
    <input
      type="number"
      aria-label={p.label}
      data-testid={p.testId}
      step={p.step}
      min={p.min}
      max={p.max}
      value={text ?? String(p.value)}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(v)) p.onValue(v);
      }}
      onBlur={() => setText(null)}
    />
  );
}

export function PolicySettings() {
  const { key, ng, pixel } = useApp(
    useShallow((s) => ({ key: currentModeKey(s), ng: s.thresholds.image, pixel: s.thresholds.pixel })),
  );
  const { entry, loo } = useCalib(useShallow((c) => ({ entry: c.byMode[key], loo: c.loo })));
  const review = entry?.review;
  const minArea = entry?.minArea;
  const hasRoi = useInspectionSetup((s) => s.setup.roi !== undefined);
  const suggested = loo.status === 'done' && loo.modeKey === key ? loo.suggested : null;
  let problem: string | null = null;
  try {
    checkPolicy({ ngThreshold: ng, reviewThreshold: review, pixelThreshold: pixel, minRegionArea: minArea });
  } catch (err) {
    problem = (err as Error).message;
  }
  const setArea = (a: MinRegionArea) => setPolicyExtras({ minArea: a });
  return (
    <div className="policy-settings" data-testid="policy-settings" data-mode={key}>
      <p className="small muted">
        For {keyLabel(key)}: OK below the review threshold, REVIEW from it up to the NG threshold (
        <span className="mono">{formatThreshold(ng)}</span>), NG at or above.
      </p>
      <div className="policy-row">
        <label className="check">
          <input
            type="checkbox"
            data-testid="review-enabled"
            checked={review !== undefined}
            onChange={(e) =>
              setPolicyExtras({
                review: e.target.checked ? (suggested?.review ?? Math.max(0, ng - 0.01)) : undefined,
              })
            }
          />
          Review band from
        </label>
        {review !== undefined && (
          <NumberField
            label="Review threshold"
            testId="review-threshold"
            value={Number(review.toFixed(4))}
            step={0.0001}
            min={0}
            onValue={(v) => setPolicyExtras({ review: v })}
          />
        )}
      </div>
      {suggested && (
        <p className="small" data-testid="review-suggestion">
          Suggested: <span className="mono">{formatThreshold(suggested.review)}</span>, {REVIEW_RULE_TEXT}
          {review === undefined || Math.abs(review - suggested.review) > 1e-12 ? (
            <>
              {' '}
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setPolicyExtras({ review: suggested.review })}
              >
                Use
              </button>
            </>
          ) : (
            <span className="ok-text"> · in use</span>
          )}
        </p>
      )}
      <div className="policy-row">
        <label className="check">
          <input
            type="checkbox"
            data-testid="region-rule-enabled"
            checked={minArea !== undefined}
            onChange={(e) =>
              setPolicyExtras({ minArea: e.target.checked ? { value: 1, unit: '%' } : undefined })
            }
          />
          Region rule: NG if a region ≥
        </label>
        {minArea && (
          <>
            <NumberField
              label="Minimum region area"
              testId="min-region-area"
              value={minArea.value}
              step={minArea.unit === 'px' ? 1 : 0.1}
              min={0}
              max={minArea.unit === '%' ? 100 : undefined}
              onValue={(v) => setArea({ ...minArea, value: v })}
            />
            <select
              aria-label="Minimum region area unit"
              data-testid="min-region-unit"
              value={minArea.unit}
              onChange={(e) => setArea({ ...minArea, unit: e.target.value as MinRegionArea['unit'] })}
            >
              <option value="px">px</option>
              {/* Areas are shares of what is inspected: the ROI with one (the map covers it). */}
              <option value="%">{hasRoi ? '% of the inspection region' : '% of the image'}</option>
            </select>
          </>
        )}
      </div>
      {minArea && (
        <p className="small muted">
          A region at or above the pixel threshold (<span className="mono">{formatThreshold(pixel)}</span>) at
          least this large makes the part NG whatever its score; smaller ones count as dust.
        </p>
      )}
      {problem && (
        <p className="field-error" role="alert" data-testid="policy-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
