/**
 * Workspace toolbar: adding and clearing images, and how the gallery is shown (folder, marks, sort,
 * verdict); decision thresholds. Its two groups wrap as wholes, so no control is ever cut off or
 * covered at any width; the queue's progress is in the status bar.
 */
import { useShallow } from 'zustand/react/shallow';
import { IMAGE_ACCEPT } from '../../../core/image-formats';
import { toggleCamera } from '../../services/camera-service';
import { addImages } from '../../services/inspection-service';
import { useCamera } from '../../state/camera-store';
import { countVerdicts } from '../../state/selectors';
import { patchThresholds, patchUi, useApp } from '../../state/store';
import type { SortKey, VerdictFilter } from '../../state/types';
import { useJudging } from '../../state/use-judging';
import { ThresholdStatus } from '../calibration/ThresholdStatus';
import { FilePickButton } from '../common/FilePickButton';
import { NumberSlider } from '../common/NumberSlider';
import { Segmented } from '../common/Segmented';
import { AddFolderButton, ClearControl, FolderFilter } from './BatchControls';
import { LotModeSwitch } from './LotMode';
import { MarkFilter } from './MarkFilter';

export function Toolbar() {
  const { sort, filter } = useApp(useShallow((s) => ({ sort: s.ui.sort, filter: s.ui.filter })));
  const { policyOf, regionsOf } = useJudging();
  const counts = countVerdicts(
    useApp((s) => s.images),
    policyOf,
    regionsOf,
  );
  const cameraOpen = useCamera((s) => s.open);
  return (
    <div className="toolbar" role="toolbar" aria-label="Images">
      <div className="toolbar-group">
        <FilePickButton
          label="Add images…"
          accept={IMAGE_ACCEPT}
          className="btn btn-primary"
          testId="image-file-input"
          onFiles={(f) => void addImages(f)}
        />
        <AddFolderButton />
        <button
          type="button"
          className={`btn${cameraOpen ? ' on' : ''}`}
          aria-pressed={cameraOpen}
          onClick={toggleCamera}
        >
          Camera
        </button>
        <ClearControl />
        <LotModeSwitch />
      </div>
      <div className="toolbar-group toolbar-view">
        <FolderFilter />
        <MarkFilter />
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
            // REVIEW and Unjudged are listed only while there are some (or while that filter is on).
            ...(counts.review > 0 || filter === 'review'
              ? [{ value: 'review' as const, label: `REVIEW ${counts.review}` }]
              : []),
            { value: 'ok', label: `OK ${counts.ok}` },
            ...(counts.unjudged > 0 || filter === 'unjudged'
              ? [{ value: 'unjudged' as const, label: `Unjudged ${counts.unjudged}` }]
              : []),
            { value: 'pending', label: 'Unscored' },
          ]}
          onChange={(f) => patchUi({ filter: f })}
        />
      </div>
    </div>
  );
}

export function DecisionBar() {
  const thresholds = useApp((s) => s.thresholds);
  // A lot's threshold is on a distance between unit vectors (0 to 2), not a probability.
  const top = useApp((s) => (s.settings.lotMode ? 2 : 1));
  return (
    <fieldset className="decisionbar">
      <legend className="sr-only">Decision thresholds</legend>
      <NumberSlider
        label="Image threshold"
        testId="image-threshold"
        hint="An image is NG when its score is at or above this threshold (for the current mode only)"
        value={thresholds.image}
        min={0}
        max={top}
        step={0.0001}
        digits={4}
        onChange={(image) => patchThresholds({ image })}
      />
      <NumberSlider
        label="Pixel threshold"
        testId="pixel-threshold"
        hint="Pixels at or above this score form the outlined regions; the heatmap turns warm from here"
        value={thresholds.pixel}
        min={0}
        max={top}
        step={0.0001}
        digits={4}
        onChange={(pixel) => patchThresholds({ pixel })}
      />
      <ThresholdStatus />
    </fieldset>
  );
}
