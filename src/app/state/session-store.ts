/**
 * State of sessions and batches, kept apart from the main store so the slice can grow on its own:
 * the session list, what storage holds, images that could not be saved, the folder filter, the
 * queue's pause and rate, and the undo of the last "Clear".
 */
import { create } from 'zustand';
import type { SessionRecordOf } from '../../io/app-databases';
import type { LabelFilter } from './label-filter';
import type { InspectedImage } from './types';

/** A stored session as the list shows it: its record's fields (src/io/app-databases.ts), counted. */
export type SessionSummary = Omit<SessionRecordOf<unknown>, 'setup'> & {
  images: number;
  /** Bytes of this session's files, thumbnails and image features in storage. */
  bytes: number;
};

export interface StorageUse {
  /** The origin's usage and quota as the browser estimates them (all of the app's storage). */
  usage: number;
  quota: number;
}

/** What names a session's parts besides its name. */
export interface SessionNaming {
  part: string;
  lot: string;
  station: string;
}

export interface QueueRun {
  startedAt: number;
  /** `queue.done` when the run (or the last resume) started. */
  doneAtStart: number;
}

export interface ClearedBatch {
  images: InspectedImage[];
  at: number;
}

export interface SessionsState {
  activeId: string | null;
  sessions: SessionSummary[];
  storage: StorageUse | null;
  /** Images of the current session whose file, result or features could not be saved. */
  unsaved: string[];
  /** Folder filter of the gallery: '' shows every folder. */
  folder: string;
  /** Mark filter of the gallery (OK/NG marks of the Calibration tab). */
  labelFilter: LabelFilter;
  paused: boolean;
  run: QueueRun | null;
  cleared: ClearedBatch | null;
  busy: boolean;
  /**
   * Set when a new session starts: its part, lot and station are asked for (empty), and the previous
   * session's are offered, never copied (a copied lot number logs the next lot under the old one).
   */
  asked: { session: string; previous: SessionNaming } | null;
}

export const useSessions = create<SessionsState>()(() => ({
  activeId: null,
  sessions: [],
  storage: null,
  unsaved: [],
  folder: '',
  labelFilter: 'all',
  paused: false,
  run: null,
  cleared: null,
  busy: false,
  asked: null,
}));

export function patchSessions(patch: Partial<SessionsState>): void {
  useSessions.setState(patch);
}

/** Folder part of an image name that carries its relative path ('' for a bare file name). */
export function folderOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/** Whether an image passes the folder filter ('/' selects images without a folder). */
export function inFolder(name: string, folder: string): boolean {
  if (folder === '') return true;
  const f = folderOf(name);
  return folder === '/' ? f === '' : f === folder || f.startsWith(`${folder}/`);
}
