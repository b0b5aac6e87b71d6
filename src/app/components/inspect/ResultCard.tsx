/** One gallery card: thumbnail + heatmap, score, verdict, status. */
import { memo, useEffect, useMemo, useRef } from 'react';
import { formatBox } from '../../../core/inspection-region';
import type { Label } from '../../../core/label-metrics';
import { modeDescription, modeOfResult, modeShortLabel } from '../../../core/scoring-mode';
import type { VerdictPolicy } from '../../../core/verdict-policy';
import type { ColormapName } from '../../../render/colormap';
import { formatScore } from '../../hooks';
import { roiFraction, useInspectionSetup } from '../../state/inspection-setup';
import {
  type JudgeFix,
  policyText,
  scoreVerdictOrNull,
  UNJUDGED_TEXT,
  type Verdict,
} from '../../state/judging';
import type { InspectedImage } from '../../state/types';
import { paintCard } from './card-render';
import { useCardVisibility } from './use-card-visibility';

interface Props {
  image: InspectedImage;
  /** 1-based place in the filtered list, and its length (the gallery renders only some cards). */
  position: number;
  total: number;
  /** Its own mode's policy (null: unjudged) and its verdict under it (judging.ts). */
  policy: VerdictPolicy | null;
  verdict: Verdict | null;
  /** What gives an unjudged card a verdict (a button that goes there). */
  fix: JudgeFix;
  onFix: (fix: JudgeFix) => void;
  /** What a queued card waits for ("Queued", or the model it needs first). */
  queuedText: string;
  /** The user's OK/NG mark, if any. */
  label: Label | null;
  selected: boolean;
  focusable: boolean;
  colormap: ColormapName;
  rangeLo: number;
  rangeHi: number;
  split: number | undefined;
  opacity: number;
  showHeatmap: boolean;
  /** Why a scored-but-unscorable image has no score yet (lot mode below its minimum), or null. */
  waiting: string | null;
  onSelect: (id: string) => void;
  onOpen: (id: string) => void;
}

const STATUS_TEXT: Record<InspectedImage['status'], string> = {
  queued: 'Queued',
  processing: 'Scoring…',
  done: '',
  error: 'Failed',
  cancelled: 'Cancelled',
};

export const ResultCard = memo(function ResultCard(p: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const { image } = p;
  useCardVisibility(root, image.id);
  const roi = useInspectionSetup((s) => s.setup.roi);
  const roiBox = useMemo(() => roiFraction(roi, image.width, image.height), [roi, image.width, image.height]);
  const areas = useInspectionSetup((s) => s.setup.ignore);
  const ignore = useMemo(
    () =>
      image.width && image.height ? { areas, frame: { width: image.width, height: image.height } } : null,
    [areas, image.width, image.height],
  );
  const { verdict } = p;
  const unjudged = image.result !== null && p.policy === null;
  // The score arrives before the map (zero-shot): show it, and its verdict, while the map is computed.
  const early = !image.result && image.status === 'processing' ? (image.firstScore ?? null) : null;
  const earlyVerdict = early ? scoreVerdictOrNull(early.score, p.policy) : null;
  useEffect(() => {
    if (canvas.current && image.thumb) {
      paintCard(canvas.current, image.thumb, image.result?.thumbMap ?? null, {
        colormap: p.colormap,
        range: [p.rangeLo, p.rangeHi],
        split: p.split,
        opacity: p.opacity,
        showHeatmap: p.showHeatmap,
        roi: roiBox,
        ignore,
      });
    }
  }, [
    image.thumb,
    image.result,
    p.colormap,
    p.rangeLo,
    p.rangeHi,
    p.split,
    p.opacity,
    p.showHeatmap,
    roiBox,
    ignore,
  ]);

  const waitText = !image.result && image.status === 'done' ? p.waiting : null;
  const statusText = image.status === 'queued' ? p.queuedText : STATUS_TEXT[image.status];
  const label = image.result
    ? `${image.name}: score ${formatScore(image.result.score)}, ${verdict ?? UNJUDGED_TEXT.toLowerCase()}${p.label ? `, marked ${p.label}` : ''}`
    : early
      ? `${image.name}: score ${formatScore(early.score)}, ${earlyVerdict ?? UNJUDGED_TEXT.toLowerCase()}; computing the map`
      : `${image.name}: ${waitText ?? statusText}${image.error ? `, ${image.error}` : ''}`;

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the listbox (roving focus), see Gallery
    <div
      ref={root}
      role="option"
      aria-selected={p.selected}
      aria-posinset={p.position}
      aria-setsize={p.total}
      aria-label={label}
      tabIndex={p.focusable ? 0 : -1}
      data-id={image.id}
      data-name={image.name}
      data-testid="result-card"
      data-verdict={verdict ?? (unjudged ? 'unjudged' : image.status)}
      data-label={p.label ?? undefined}
      data-threshold={image.result && p.policy ? p.policy.ngThreshold : undefined}
      data-score={image.result ? image.result.score : undefined}
      data-lot-score={image.result?.lotScore}
      data-first-score={early ? early.score : undefined}
      data-roi={roiBox && roi ? formatBox(roi) : undefined}
      className={`card${p.selected ? ' selected' : ''} verdict-${(verdict ?? (unjudged ? 'unjudged' : image.status)).toLowerCase()}`}
      onClick={() => p.onSelect(image.id)}
      onDoubleClick={() => p.onOpen(image.id)}
    >
      <div className="card-media">
        {image.thumb ? (
          <canvas ref={canvas} data-testid="card-canvas" />
        ) : (
          <div className={`card-placeholder status-${image.status}`} aria-hidden="true" />
        )}
        {verdict && p.policy && (
          <span
            className={`pill pill-${verdict.toLowerCase()}`}
            title={`Verdict under this image's mode: ${policyText(p.policy)}`}
          >
            {verdict}
          </span>
        )}
        {image.result && (
          <span className="card-mode" title={modeDescription(modeOfResult(image.result))}>
            {modeShortLabel(modeOfResult(image.result))}
          </span>
        )}
        {p.label && (
          <span
            className={`card-label label-${p.label.toLowerCase()}`}
            title={`You marked this image ${p.label} (G / N on a focused card toggles)`}
            data-testid="card-label"
          >
            marked {p.label}
          </span>
        )}
      </div>
      <div className="card-meta">
        <span className="card-name" title={image.name}>
          {image.name}
        </span>
        {image.result ? (
          <span className="card-score mono" data-testid="card-score">
            {formatScore(image.result.score)}
            {image.result.lotScore !== undefined && (
              <span
                className="card-lot-score"
                title="Rank within this lot after RsCIN: 0 = least, 1 = most anomalous image of the lot"
              >
                {' '}
                · lot {image.result.lotScore.toFixed(2)}
              </span>
            )}
          </span>
        ) : early ? (
          <span
            className={`card-score card-score-early mono verdict-text-${(earlyVerdict ?? 'unjudged').toLowerCase()}`}
            data-testid="card-first-score"
            title={`Score after ${(early.ms / 1000).toFixed(1)} s; the map follows`}
          >
            {formatScore(early.score)} {earlyVerdict ?? ''} · map…
          </span>
        ) : waitText ? null : (
          <span className={`card-status status-${image.status}`} data-testid="card-status">
            {statusText}
          </span>
        )}
      </div>
      {/* Unjudged: the score stands alone, with the one action that gives it a threshold. */}
      {unjudged && (
        <div className="card-unjudged" data-testid="card-unjudged">
          <span>{UNJUDGED_TEXT}</span>
          <button
            type="button"
            className="link-button"
            title={p.fix.why}
            onClick={(e) => {
              e.stopPropagation();
              p.onFix(p.fix);
            }}
          >
            {p.fix.label}
          </button>
        </div>
      )}
      {waitText && (
        <div className="card-lot-wait" data-testid="card-lot-wait">
          {waitText}
        </div>
      )}
      {image.error && (
        <div className="card-error" role="alert" data-testid="card-error">
          {image.error}
        </div>
      )}
    </div>
  );
});
