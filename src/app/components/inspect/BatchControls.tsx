/**
 * Batch controls of the workspace toolbar: the queue with count, rate and ETA (pause, resume,
 * cancel), adding a folder, "Clear" that asks first and can be undone, and the folder filter.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatEta } from '../../progress-text';
import { clearWithUndo, undoClear } from '../../services/batch-service';
import {
  addImages,
  cancelQueue,
  pauseQueue,
  resumeQueue,
  retryImages,
} from '../../services/inspection-service';
import { folderOf, patchSessions, useSessions } from '../../state/session-store';
import { useApp } from '../../state/store';
import { queuedText } from '../../state/wait-text';
import { FilePickButton } from '../common/FilePickButton';
import { ProgressBar } from '../common/ProgressBar';

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
    <button type="button" className="btn btn-small btn-ghost" onClick={() => retryImages()}>
      Retry {retryable} cancelled/failed
    </button>
  ) : null;
}

export function AddFolderButton() {
  return (
    <FilePickButton
      label="Add folder…"
      directory
      className="btn"
      testId="folder-file-input"
      onFiles={(f) => void addImages(f)}
    />
  );
}

/** "Clear" asks first (inline), then offers Undo for a minute. */
export function ClearControl() {
  const n = useApp((s) => s.images.length);
  const cleared = useSessions((s) => s.cleared);
  const [asking, setAsking] = useState(false);
  if (asking) {
    return (
      <span className="confirm">
        <span className="small">
          Clear {n} image{n === 1 ? '' : 's'} and their results?
        </span>
        <button
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => {
            setAsking(false);
            clearWithUndo();
          }}
        >
          Clear all
        </button>
        <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
          Keep
        </button>
      </span>
    );
  }
  return (
    <>
      <button type="button" className="btn btn-ghost" disabled={n === 0} onClick={() => setAsking(true)}>
        Clear
      </button>
      {cleared && (
        <span className="undo" data-testid="undo-clear">
          <span className="small muted">
            Cleared {cleared.images.length} image{cleared.images.length === 1 ? '' : 's'}.
          </span>
          <button type="button" className="btn btn-small" onClick={undoClear}>
            Undo
          </button>
        </span>
      )}
    </>
  );
}

/** Folders of the gallery's images (from their relative paths); the filter shows with two or more. */
export function FolderFilter() {
  const folders = useApp(useShallow((s) => [...new Set(s.images.map((im) => folderOf(im.name)))].sort()));
  const folder = useSessions((s) => s.folder);
  if (folders.length < 2 && folder === '') return null;
  return (
    <label className="inline-field">
      Folder
      <select
        value={folder}
        aria-label="Filter by folder"
        onChange={(e) => patchSessions({ folder: e.target.value })}
      >
        <option value="">All folders</option>
        {folders.map((f) => (
          <option key={f} value={f === '' ? '/' : f}>
            {f === '' ? '(no folder)' : f}
          </option>
        ))}
      </select>
    </label>
  );
}
