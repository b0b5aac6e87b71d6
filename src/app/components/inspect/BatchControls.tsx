/**
 * Batch controls of the workspace toolbar: adding a folder, "Clear" that asks first and can be
 * undone, and the folder filter. The queue's progress is in the status bar (QueueStatus.tsx).
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { clearWithUndo, undoClear } from '../../services/batch-service';
import { addImages } from '../../services/inspection-service';
import { folderOf, patchSessions, useSessions } from '../../state/session-store';
import { useApp } from '../../state/store';
import { FilePickButton } from '../common/FilePickButton';

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
