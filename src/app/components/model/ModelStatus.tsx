/** The current model: progress with cancel, errors with retry, and details once loaded. */

import { formatMs } from '../../hooks';
import { formatBytes } from '../../model-loading/catalogue';
import { modelDisplayName } from '../../model-loading/kept-local-model';
import { progressText } from '../../progress-text';
import { retryModel } from '../../services/model-actions';
import { cancelModelLoad } from '../../services/model-service';
import { useApp } from '../../state/store';
import { ProgressBar } from '../common/ProgressBar';

export function ModelStatus() {
  const model = useApp((s) => s.model);
  const engine = useApp((s) => s.engine);
  const busy = model.phase === 'fetching' || model.phase === 'building';
  const p = model.progress;
  return (
    <section className="panel-section" aria-labelledby="model-status-h" data-testid="model-status">
      <h3 id="model-status-h">Current model</h3>
      {model.phase === 'none' && (
        <p className="muted">No model loaded. Pick one below or drop local files.</p>
      )}
      {model.source && model.phase !== 'none' && (
        <div className="model-name" data-testid="model-name">
          {modelDisplayName(model.source)}
        </div>
      )}
      {busy && (
        <div className="model-progress" data-testid="model-progress">
          <div className="progress-line">
            <span>
              {model.phase === 'building'
                ? 'Building encoders in the worker…'
                : p
                  ? progressText(p)
                  : 'Connecting…'}
            </span>
            {p && model.phase === 'fetching' && (
              <span className="mono" data-testid="model-progress-bytes">
                {formatBytes(p.loaded)}
                {p.total > 0 ? ` / ${formatBytes(p.total)} (${Math.floor((p.loaded / p.total) * 100)}%)` : ''}
              </span>
            )}
          </div>
          <ProgressBar
            label="Model loading progress"
            value={model.phase === 'fetching' && p && p.total > 0 ? p.loaded : null}
            max={p?.total ?? null}
          />
          <button type="button" className="btn btn-small" onClick={cancelModelLoad}>
            Cancel
          </button>
        </div>
      )}
      {model.phase === 'error' && (
        <div className="error-box" role="alert" data-testid="model-error">
          <p>{model.error}</p>
          {model.source && (
            <button type="button" className="btn btn-small" onClick={retryModel}>
              Retry
            </button>
          )}
        </div>
      )}
      {model.phase === 'cancelled' && (
        <div className="info-box">
          <p>Loading was cancelled; nothing partial was kept.</p>
          {model.source && (
            <button type="button" className="btn btn-small" onClick={retryModel}>
              Retry
            </button>
          )}
        </div>
      )}
      {model.phase === 'ready' && model.info && (
        <dl className="kv" data-testid="model-info">
          <dt>Source</dt>
          <dd data-testid="model-source">
            {model.fromCache ? 'Cache (offline)' : model.source?.kind === 'local' ? 'Local files' : 'Network'}
          </dd>
          <dt>Parameters</dt>
          <dd>{(model.info.parameters / 1e6).toFixed(1)} M</dd>
          <dt>Input · grid</dt>
          <dd>
            {model.info.imageSize} px · {model.info.grid}×{model.info.grid}
          </dd>
          <dt>Embedding</dt>
          <dd>
            {model.info.embedDim} (vision {model.info.visionWidth}×{model.info.visionLayers})
          </dd>
          <dt>Load time</dt>
          <dd>{formatMs(model.loadMs)}</dd>
        </dl>
      )}
      {model.cacheWarning && <p className="warn-text">{model.cacheWarning}</p>}
      <div className="backend-line" data-testid="backend-reason">
        <b>
          {engine.backend === 'webgpu' ? 'WebGPU' : engine.backend === 'wasm' ? 'WASM' : 'Backend pending'}
        </b>
        {engine.reason ? ` — ${engine.reason}` : ''}
      </div>
    </section>
  );
}
