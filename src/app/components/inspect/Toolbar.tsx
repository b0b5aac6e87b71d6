/** Workspace toolbar: add images, queue progress and cancel, sort and filter; decision thresholds. */
import { useShallow } from 'zustand/react/shallow';
import { toggleCamera } from '../../services/camera-service';
import { addImages, cancelQueue, clearImages, retryImages } from '../../services/inspection-service';
import { useCamera } from '../../state/camera-store';
import { countVerdicts } from '../../state/selectors';
import { patchThresholds, patchUi, useApp } from '../../state/store';
import type { SortKey, VerdictFilter } from '../../state/types';
import { FilePickButton } from '../common/FilePickButton';
import { NumberSlider } from '../common/NumberSlider';
import { ProgressBar } from '../common/ProgressBar';
import { Segmented } from '../common/Segmented';

export const IMAGE_ACCEPT = 'image/png,image/jpeg,image/webp,image/bmp,.bmp';

function QueueStatus() {
  const queue = useApp((s) => s.queue);
  const waitingForModel = useApp(
    (s) => s.model.phase !== 'ready' && s.images.some((im) => im.status === 'queued'),
  );
  const retryable = useApp(
    (s) => s.images.filter((im) => im.status === 'cancelled' || im.status === 'error').length,
  );
  if (queue.running) {
    return (
      <div className="queue" data-testid="queue">
        <span className="queue-text">
          {waitingForModel
            ? 'Waiting for the model…'
            : `Scoring ${Math.min(queue.done + 1, queue.total)} of ${queue.total}`}
          {queue.current ? <span className="muted"> · {queue.current}</span> : null}
        </span>
        <ProgressBar label="Image queue progress" value={queue.done} max={queue.total} />
        <button type="button" className="btn btn-small" onClick={cancelQueue}>
          Cancel
        </button>
      </div>
    );
  }
  return retryable > 0 ? (
    <button type="button" className="btn btn-small btn-ghost" onClick={() => retryImages()}>
      Retry {retryable} cancelled/failed
    </button>
  ) : null;
}

export function Toolbar() {
  const { sort, filter, nImages } = useApp(
    useShallow((s) => ({ sort: s.ui.sort, filter: s.ui.filter, nImages: s.images.length })),
  );
  const counts = useApp(useShallow((s) => countVerdicts(s.images, s.thresholds.image)));
  const cameraOpen = useCamera((s) => s.open);
  return (
    <div className="toolbar" role="toolbar" aria-label="Images">
      <FilePickButton
        label="Add images…"
        accept={IMAGE_ACCEPT}
        className="btn btn-primary"
        testId="image-file-input"
        onFiles={(f) => void addImages(f)}
      />
      <button
        type="button"
        className={`btn${cameraOpen ? ' on' : ''}`}
        aria-pressed={cameraOpen}
        onClick={toggleCamera}
      >
        Camera
      </button>
      <button type="button" className="btn btn-ghost" disabled={nImages === 0} onClick={clearImages}>
        Clear
      </button>
      <QueueStatus />
      <div className="spacer" />
      <label className="inline-field">
        Sort
        <select
          value={sort}
          onChange={(e) => patchUi({ sort: e.target.value as SortKey })}
          aria-label="Sort images"
        >
          <option value="added">Added</option>
          <option value="score-desc">Score, high → low</option>
          <option value="score-asc">Score, low → high</option>
          <option value="name">Name</option>
        </select>
      </label>
      <Segmented<VerdictFilter>
        label="Show"
        value={filter}
        options={[
          { value: 'all', label: `All ${counts.total}` },
          { value: 'ng', label: `NG ${counts.ng}` },
          { value: 'ok', label: `OK ${counts.ok}` },
          { value: 'pending', label: 'Unscored' },
        ]}
        onChange={(f) => patchUi({ filter: f })}
      />
    </div>
  );
}

export function DecisionBar() {
  const thresholds = useApp((s) => s.thresholds);
  return (
    <fieldset className="decisionbar">
      <legend className="sr-only">Decision thresholds</legend>
      <NumberSlider
        label="Image threshold"
        testId="image-threshold"
        value={thresholds.image}
        min={0}
        max={1}
        step={0.001}
        onChange={(image) => patchThresholds({ image })}
      />
      <NumberSlider
        label="Pixel threshold"
        testId="pixel-threshold"
        value={thresholds.pixel}
        min={0}
        max={1}
        step={0.001}
        onChange={(pixel) => patchThresholds({ pixel })}
      />
    </fieldset>
  );
}
