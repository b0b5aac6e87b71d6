/** The few-shot reference bank: drop normal shots, see K and the mode, remove one or all. */
import { useCallback } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { IMAGE_ACCEPT } from '../../../core/image-formats';
import { modeDescription } from '../../../core/scoring-mode';
import { useFileDrop } from '../../hooks';
import { addReferences, clearReferences, removeReference } from '../../services/reference-service';
import { currentMode, readyReferences } from '../../state/calibration';
import { useApp } from '../../state/store';
import { BitmapCanvas } from '../common/BitmapCanvas';
import { FilePickButton } from '../common/FilePickButton';

export function ReferenceBank() {
  const refs = useApp((s) => s.references);
  const modelReady = useApp((s) => s.model.phase === 'ready');
  const mode = useApp(useShallow(currentMode));
  const k = useApp(readyReferences);
  const encoding = refs.filter((r) => r.status === 'pending' || r.status === 'encoding').length;
  const onDrop = useCallback((dt: DataTransfer) => void addReferences(Array.from(dt.files)), []);
  const drop = useFileDrop(onDrop);

  return (
    <div className="reference-bank" data-testid="reference-bank">
      <section className="panel-section">
        <div className="bank-head">
          <div>
            <div
              className="bank-k"
              data-testid="bank-k"
              title="K: good reference images in the bank. Each K has its own score scale and thresholds; K ≥ 2 calibrates them."
            >
              K = {k}
            </div>
            <div className="muted small" data-testid="bank-mode">
              {modeDescription(mode)}
            </div>
          </div>
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={refs.length === 0}
            onClick={() => void clearReferences()}
          >
            Remove all
          </button>
        </div>
        {encoding > 0 && (
          <p className="muted small" aria-live="polite">
            {modelReady
              ? `Encoding ${encoding} shot${encoding > 1 ? 's' : ''}…`
              : `${encoding} waiting for a model`}
          </p>
        )}
        <section
          aria-label="Drop reference shots here"
          className={`dropzone${drop.dragging ? ' dragging' : ''}`}
          onDragEnter={drop.onDragEnter}
          onDragOver={drop.onDragOver}
          onDragLeave={drop.onDragLeave}
          onDrop={drop.onDrop}
          data-testid="reference-dropzone"
        >
          <p>Drop photos of good parts here</p>
          <FilePickButton
            label="Add normal shots…"
            accept={IMAGE_ACCEPT}
            className="btn btn-small"
            testId="reference-file-input"
            onFiles={(files) => void addReferences(files)}
          />
        </section>
        <p className="muted small">
          With one or more shots every image is also compared with these normal parts; all images re-score at
          once.
        </p>
      </section>
      {refs.length > 0 && (
        <ul className="ref-grid" aria-label="Reference shots">
          {refs.map((r) => (
            <li key={r.id} className={`ref-item status-${r.status}`} data-testid="reference-item">
              <div className="ref-thumb">
                {r.thumb ? (
                  <BitmapCanvas bitmap={r.thumb} label={r.name} />
                ) : (
                  <div className="ref-missing" aria-hidden="true" />
                )}
                {(r.status === 'pending' || r.status === 'encoding') && <span className="ref-badge">…</span>}
                {r.status === 'error' && <span className="ref-badge error">!</span>}
              </div>
              <div className="ref-name" title={r.error ?? r.name}>
                {r.name}
              </div>
              {r.error && <div className="ref-error">{r.error}</div>}
              <button
                type="button"
                className="icon-btn ref-remove"
                aria-label={`Remove reference ${r.name}`}
                onClick={() => void removeReference(r.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
