/**
 * The gallery's filter by OK/NG mark (set with G/N or in the detail view). Like the folder filter it
 * shows only when it can narrow the gallery: once an image is marked, or while a filter is on.
 */
import { useShallow } from 'zustand/react/shallow';
import { useCalib } from '../../state/calibration';
import { countLabels, type LabelFilter } from '../../state/label-filter';
import { patchSessions, useSessions } from '../../state/session-store';
import { useApp } from '../../state/store';

export function MarkFilter() {
  const labels = useCalib((c) => c.labels);
  const counts = useApp(useShallow((s) => countLabels(s.images, labels)));
  const filter = useSessions((s) => s.labelFilter);
  if (counts.OK + counts.NG === 0 && filter === 'all') return null;
  return (
    <label className="inline-field">
      Marks
      <select
        value={filter}
        aria-label="Filter by mark"
        onChange={(e) => patchSessions({ labelFilter: e.target.value as LabelFilter })}
      >
        <option value="all">All</option>
        <option value="OK">OK {counts.OK}</option>
        <option value="NG">NG {counts.NG}</option>
        <option value="unmarked">Unmarked {counts.unmarked}</option>
      </select>
    </label>
  );
}
