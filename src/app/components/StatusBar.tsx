/** Footer: engine activity, the image queue, and counters (encoder runs, images encoded, prompts embedded). */
import { formatMs } from '../hooks';
import { progressText } from '../progress-text';
import { useApp } from '../state/store';
import { QueueStatus } from './QueueStatus';

export function StatusBar() {
  const engine = useApp((s) => s.engine);
  const model = useApp((s) => s.model);
  const status = useApp((s) => s.promptStatus);
  const { stats } = engine;
  const state =
    engine.status === 'failed'
      ? `Engine failed: ${engine.error ?? ''}`
      : engine.status === 'restoring'
        ? 'Engine restarted, restoring…'
        : engine.status === 'starting'
          ? 'Starting engine…'
          : 'Engine ready';
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`status-dot engine-${engine.status}`} aria-hidden="true" />
      <span data-testid="engine-status">{state}</span>
      {engine.activity && engine.status !== 'ready' && (
        <span className="muted">{progressText(engine.activity)}</span>
      )}
      <QueueStatus />
      <span className="spacer" />
      {model.loadMs !== null && model.phase === 'ready' && (
        <span>
          Model loaded in {formatMs(model.loadMs)}
          {model.fromCache ? ' (from cache)' : ''}
        </span>
      )}
      <span title="Image encoder runs (full image + window batches per tile)" data-testid="stat-encoder-runs">
        Encoder runs {stats.imageEncoderRuns}
      </span>
      <span data-testid="stat-images-encoded">Images encoded {stats.imagesEncoded}</span>
      <span data-testid="stat-prompts">Prompts embedded {stats.promptsEmbedded}</span>
      {status.lastTotalMs !== null && <span>Last re-score {formatMs(status.lastTotalMs)}</span>}
      {engine.restarts > 0 && <span className="warn">Restarts {engine.restarts}</span>}
    </footer>
  );
}
