/** Header: product name, model and backend status, OK/NG counts, mode, exports. */
import { useShallow } from 'zustand/react/shallow';
import { modeDescription, modeLabel } from '../../core/scoring-mode';
import { modelDisplayName } from '../model-loading/kept-local-model';
import {
  exportAllOverlays,
  exportCsv,
  exportJson,
  exportMaps,
  exportReport,
} from '../services/export-service';
import { currentMode } from '../state/calibration';
import { useExportProgress } from '../state/export-progress';
import { countVerdicts } from '../state/selectors';
import { patchUi, useApp } from '../state/store';
import { useJudging } from '../state/use-judging';

function BackendBadge() {
  const { backend, reason, status } = useApp(useShallow((s) => ({ ...s.engine })));
  const label =
    backend === 'webgpu' ? 'WebGPU' : backend === 'wasm' ? 'WASM' : status === 'failed' ? 'No engine' : '…';
  return (
    <span
      className={`badge badge-backend backend-${backend ?? 'none'}`}
      title={reason ?? undefined}
      data-testid="backend-badge"
    >
      {label}
    </span>
  );
}

function ModelChip() {
  const model = useApp((s) => s.model);
  const text =
    model.phase === 'none'
      ? 'No model'
      : model.phase === 'fetching'
        ? 'Loading…'
        : model.phase === 'building'
          ? 'Building…'
          : model.phase === 'error'
            ? 'Model failed'
            : model.phase === 'cancelled'
              ? 'Load cancelled'
              : model.source
                ? modelDisplayName(model.source)
                : 'Model';
  return (
    <button
      type="button"
      className={`model-chip phase-${model.phase}`}
      onClick={() => patchUi({ sideTab: 'model' })}
      title={`${text}: open the model manager`}
      data-testid="model-chip"
    >
      <span className="dot" aria-hidden="true" />
      <span className="model-chip-text">{text}</span>
    </button>
  );
}

export function TopBar() {
  const { policyOf, regionsOf } = useJudging();
  const counts = countVerdicts(
    useApp((s) => s.images),
    policyOf,
    regionsOf,
  );
  const mode = useApp(useShallow(currentMode));
  const anyScored = counts.scored > 0;
  const zipping = useExportProgress((s) => s.current);
  return (
    <header className="topbar">
      <div className="brand" title="WinCLIP Inspector">
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
          <rect x="2" y="2" width="20" height="20" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
          <circle cx="15" cy="9" r="3" fill="currentColor" />
          <path d="M5 17l4-5 3 3 2-2 5 4" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <span className="brand-name">WinCLIP Inspector</span>
      </div>
      <ModelChip />
      <BackendBadge />
      <span
        className={`badge badge-mode mode-${mode.kind}`}
        data-testid="mode-badge"
        title={modeDescription(mode)}
      >
        {modeLabel(mode)}
      </span>
      <div className="spacer" />
      <div className="counts" data-testid="counts">
        <span className="count count-ok" data-testid="count-ok">
          OK <b>{counts.ok}</b>
        </span>
        {counts.review > 0 && (
          <span className="count count-review" data-testid="count-review">
            REVIEW <b>{counts.review}</b>
          </span>
        )}
        <span className="count count-ng" data-testid="count-ng">
          NG <b>{counts.ng}</b>
        </span>
        {counts.unjudged > 0 && (
          <span
            className="count count-unjudged"
            data-testid="count-unjudged"
            title="Scored, but their mode has no threshold yet: set one in the Calibration tab"
          >
            Unjudged <b>{counts.unjudged}</b>
          </span>
        )}
        {counts.pending > 0 && (
          <span className="count count-pending">
            Pending <b>{counts.pending}</b>
          </span>
        )}
        {counts.failed > 0 && (
          <span className="count count-failed">
            Failed <b>{counts.failed}</b>
          </span>
        )}
      </div>
      {zipping && (
        <span className="count count-pending" role="status" aria-live="polite" data-testid="export-progress">
          {zipping.label}{' '}
          <b>
            {zipping.done}/{zipping.total}
          </b>
        </span>
      )}
      <fieldset className="export-group">
        <legend className="sr-only">Export</legend>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!anyScored}
          onClick={() => void exportCsv()}
        >
          CSV
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!anyScored}
          onClick={() => void exportJson()}
        >
          JSON
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!anyScored || zipping !== null}
          aria-label="Overlays (ZIP)"
          onClick={() => void exportAllOverlays()}
        >
          Overlays<span className="wide-only"> (ZIP)</span>
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!anyScored || zipping !== null}
          title="Raw maps as float32 .npy and annotated overlays"
          aria-label="Maps (ZIP)"
          onClick={() => void exportMaps()}
        >
          Maps<span className="wide-only"> (ZIP)</span>
        </button>
        <button
          type="button"
          className="btn btn-ghost"
          disabled={!anyScored || zipping !== null}
          aria-busy={zipping?.label.startsWith('Report') ?? false}
          title="A self-contained HTML report that opens offline"
          onClick={() => void exportReport()}
        >
          Report
        </button>
      </fieldset>
    </header>
  );
}
