/**
 * The image queue in the status bar: count, rate and ETA, pause, resume and cancel; after a cancel or
 * a failure, retry. It lives in the status bar so that a batch starting or ending never moves the
 * toolbar or the gallery, and the toolbar's filters keep their room.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatEta } from '../progress-text';
import { cancelQueue, pauseQueue, resumeQueue, retryImages } from '../services/inspection-service';
import { useSessions } from '../state/session-store';
import { useApp } from '../state/store';
import { queuedText } from '../state/wait-text';
import { ProgressBar } from './common/ProgressBar';

function useNow(ms: number, on: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(t);
  }, [ms, on]);
  return now;
}

function CancelQueueButton() {
  return (
    <button type="button" className="btn btn-small" aria-label="Cancel" title="Cancel" onClick={cancelQueue}>
      ✕
    </button>
  );
}

export function QueueStatus() {
  const queue = useApp((s) => s.queue);
  const { paused, run } = useSessions(useShallow((s) => ({ paused: s.paused, run: s.run })));
  const waitingForModel = useApp(
    (s) => s.model.phase !== 'ready' && s.images.some((im) => im.status === 'queued'),
  );
  const retryable = useApp(
    (s) => s.images.filter((im) => im.status === 'cancelled' || im.status === 'error').length,
  );
  // The tick only re-renders; the time is read now, so a run shorter than a tick still gets its rate.
  useNow(1000, queue.running && !paused);
  const phase = useApp((s) => s.model.phase);
  if (queue.running && waitingForModel) {
    // Nothing runs until a model is there: say so in two words that fit (no progress bar or pause; the
    // cards say "Waiting for a model").
    return (
      <div className="queue queue-waiting" data-testid="queue">
        <span
          className="queue-text"
          data-testid="queue-waiting"
          title={`${queuedText(phase)}: the queue starts then`}
        >
          {phase === 'fetching' || phase === 'building' ? 'Model loading' : 'No model yet'}
        </span>
        <CancelQueueButton />
      </div>
    );
  }
  if (queue.running) {
    const doneInRun = run ? queue.done - run.doneAtStart : 0;
    const elapsed = run ? (performance.now() - run.startedAt) / 1000 : 0;
    const rate = doneInRun > 0 && elapsed > 0 ? doneInRun / elapsed : null;
    const left = queue.total - queue.done;
    const text = paused
      ? `Paused · ${queue.done} of ${queue.total} done`
      : `${Math.min(queue.done + 1, queue.total)}/${queue.total}`;
    return (
      <div className="queue" data-testid="queue">
        <span className="queue-text" title={queue.current ? `Scoring ${queue.current}` : undefined}>
          {text}
          {!paused && rate !== null ? (
            <span className="muted" data-testid="queue-rate">
              {' '}
              · {rate >= 1 ? `${rate.toFixed(1)}/s` : `${(1 / rate).toFixed(1)} s/image`} · ETA{' '}
              {formatEta(left / rate)}
            </span>
          ) : null}
        </span>
        <ProgressBar label="Image queue progress" value={queue.done} max={queue.total} />
        {paused ? (
          <button
            type="button"
            className="btn btn-small"
            aria-label="Resume"
            title="Resume"
            onClick={resumeQueue}
          >
            ▶
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            aria-label="Pause"
            title="Pause"
            onClick={pauseQueue}
          >
            ❚❚
          </button>
        )}
        <CancelQueueButton />
      </div>
    );
  }
  return retryable > 0 ? (
    <button type="button" className="btn btn-small" onClick={() => retryImages()}>
      Retry {retryable} cancelled/failed
    </button>
  ) : null;
}
