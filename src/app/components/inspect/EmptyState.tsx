/** First screen of the workspace: what to do, in three steps, with the drop target. */

import { IMAGE_ACCEPT, SUPPORTED_FORMATS_TEXT } from '../../../core/image-formats';
import { addImages } from '../../services/inspection-service';
import { currentMode } from '../../state/calibration';
import { patchUi, useApp } from '../../state/store';
import { FilePickButton } from '../common/FilePickButton';

export function EmptyState({ dragging }: { dragging: boolean }) {
  const phase = useApp((s) => s.model.phase);
  const fewShot = useApp((s) => currentMode(s).kind === 'few-shot');
  return (
    <div className={`empty${dragging ? ' dragging' : ''}`} data-testid="empty-state">
      <div className="empty-drop">
        <svg viewBox="0 0 48 48" width="44" height="44" aria-hidden="true">
          <rect
            x="6"
            y="10"
            width="36"
            height="28"
            rx="3"
            fill="none"
            stroke="currentColor"
            strokeWidth="2"
          />
          <path d="M24 16v14M17 23l7 7 7-7" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <h2>Drop part photos to inspect</h2>
        <p className="muted">{SUPPORTED_FORMATS_TEXT} · paste with Ctrl+V · nothing leaves this computer</p>
        <FilePickButton
          label="Choose images…"
          accept={IMAGE_ACCEPT}
          className="btn btn-primary"
          onFiles={(f) => void addImages(f)}
        />
      </div>
      <ol className="steps">
        <li className={phase === 'ready' ? 'done' : undefined}>
          <b>Load a model</b>
          <span>
            {phase === 'ready' ? 'Ready.' : 'Pick a CLIP model in the '}
            {phase !== 'ready' && (
              <button type="button" className="link" onClick={() => patchUi({ sideTab: 'model' })}>
                Model tab
              </button>
            )}
            {phase !== 'ready' ? ' (downloaded once, then cached).' : ''}
          </span>
        </li>
        <li>
          <b>Zero-shot</b>
          <span>Drop images: each gets an anomaly score and heatmap from text prompts alone.</span>
        </li>
        <li className={fewShot ? 'done' : undefined}>
          <b>Few-shot</b>
          <span>
            Add a few photos of good parts to the{' '}
            <button type="button" className="link" onClick={() => patchUi({ sideTab: 'references' })}>
              reference bank
            </button>{' '}
            for sharper results.
          </span>
        </li>
      </ol>
    </div>
  );
}
