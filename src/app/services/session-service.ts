/**
 * Persistent inspection sessions: restoring the active one at start-up, starting, reopening, renaming
 * and deleting sessions, and wiping all stored data. Sessions are named records (part, lot, station)
 * that keep their own images and the prompt/reference setup and thresholds they were scored with; a
 * reload shows the whole gallery at once from storage, and images whose result came from the loaded
 * model are bound to their stored features (nothing is re-encoded). Saving gallery changes as they
 * happen is `session-autosave.ts`; loading and unloading a gallery is `session-gallery.ts`.
 */

import { errorText } from '../../core/errors';
import { isWholeImage } from '../../core/inspection-setup-format';
import { formatBytes } from '../model-loading/catalogue';
import { deleteKeptModels } from '../model-loading/kept-local-model';
import { currentModeKey, useCalib } from '../state/calibration';
import { useInspectionSetup } from '../state/inspection-setup';
import { patchSessions, type SessionSummary, useSessions } from '../state/session-store';
import { notify, patchThresholds, useApp } from '../state/store';
import type { ReferenceShot } from '../state/types';
import { restoreModeThresholds } from './calibration-service';
import { engine, engineJobs } from './engine-service';
import { cancelQueue, requeueAll } from './inspection-service';
import { putInspectionSetup } from './inspection-setup-service';
import { saveReferences } from './persistence';
import { applyPrompts } from './prompt-service';
import { encodeAllReferences, restoreReferences } from './reference-service';
import { flushSession, forgetStored, storedCounts } from './session-autosave';
import {
  clearAllSessions,
  createActiveSession,
  deleteSessionData,
  getAll,
  getBySession,
  getMeta,
  getOne,
  IMAGES,
  putMany,
  putMeta,
  SESSIONS,
  type SessionRecord,
  type SessionSetup,
  summaryOf,
  updateSession,
} from './session-db';
import { readImages, showImages, unloadGallery } from './session-gallery';
import { metaOf, scoringBasis, setCurrentModelId } from './stored-meta';

const ACTIVE_KEY = 'active';

function activeId(): string {
  const id = useSessions.getState().activeId;
  if (!id) throw new Error('internal: no active session');
  return id;
}

function newRecord(name: string): SessionRecord {
  const now = Date.now();
  return {
    id: crypto.randomUUID(),
    name,
    part: '',
    lot: '',
    station: '',
    createdAt: now,
    updatedAt: now,
    setup: null,
  };
}

async function listSessions(): Promise<SessionSummary[]> {
  return (await getAll(SESSIONS)).map(summaryOf).sort((a, b) => a.createdAt - b.createdAt);
}

export async function refreshStorage(): Promise<void> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  if (est) patchSessions({ storage: { usage: est.usage ?? 0, quota: est.quota ?? 0 } });
}

/** Start-up: opens the last active session (or a first one) and shows its gallery from storage. */
export async function restoreActiveSession(): Promise<void> {
  try {
    let sessions = await listSessions();
    let active = await getMeta<string>(ACTIVE_KEY);
    if (!active || !sessions.some((s) => s.id === active)) {
      if (sessions.length === 0) {
        const rec = newRecord('Session 1');
        await putMany(SESSIONS, [rec]);
        sessions = await listSessions();
        active = rec.id;
      } else active = sessions[sessions.length - 1].id;
      await putMeta(ACTIVE_KEY, active);
    }
    patchSessions({ activeId: active, sessions });
    void showImages(await readImages(active));
    void refreshStorage();
  } catch (err) {
    notify('error', `Saved sessions could not be read (${errorText(err)}); this visit is not saved.`);
  }
}

/**
 * After a model is loaded: images scored by this very model keep their results and are bound to their
 * stored features; the returned ids need no re-scoring. Others are scored again by the caller.
 */
/**
 * Which shown images keep their stored results under the loaded model: `skip` need no new run;
 * `shown` are run again (under an inspection setup) with their stored result on screen meanwhile,
 * since it came from this model and this scoring basis.
 */
export async function adoptStoredImages(): Promise<{ skip: Set<string>; shown: Set<string> }> {
  const id = await engine()
    .modelIdentity()
    .catch(() => null);
  setCurrentModelId(id);
  const keep = new Set<string>();
  if (!id) return { skip: keep, shown: new Set() };
  const basis = scoringBasis(useApp.getState());
  for (const im of useApp.getState().images) {
    const m = metaOf(im.id);
    // Older records know no basis: their results are kept, as before.
    const sameBasis = m.basis == null || m.basis === basis;
    if (im.status === 'done' && im.result && m.modelId === id && m.contentHash && sameBasis) keep.add(im.id);
  }
  // Under an inspection setup each image is scored again (its features come from storage, stored per
  // ROI), so the worker knows the setup its maps are read with.
  if (!isWholeImage(useInspectionSetup.getState().setup)) return { skip: new Set(), shown: keep };
  const bindings = [...keep].map((key) => ({ key, contentHash: metaOf(key).contentHash! }));
  if (bindings.length > 0) await engine().bindStored(bindings);
  return { skip: keep, shown: new Set() };
}

function currentSetup(): SessionSetup {
  const s = useApp.getState();
  const mode = currentModeKey(s);
  return {
    prompts: s.prompts,
    thresholds: s.thresholds,
    mode,
    source: useCalib.getState().byMode[mode]?.source ?? null,
    references: s.references.map((r) => ({ id: r.id, name: r.name, blob: r.blob, addedAt: r.addedAt })),
    inspection: useInspectionSetup.getState().setup,
  };
}

/**
 * Stops the queue and writes every pending change; then the gallery can be unloaded with nothing of
 * it left to save (no await between the last flush and the caller's synchronous unload).
 */
async function settle(): Promise<void> {
  cancelQueue();
  await flushSession();
}

/** Saves the active session's setup and unloads its gallery from memory (its records stay). */
async function leaveActive(): Promise<void> {
  await settle();
  const id = activeId();
  const setup = currentSetup();
  const counts = storedCounts();
  await updateSession(id, (r) => ({ ...r, setup, updatedAt: Date.now(), ...counts }));
  // A result that landed while the record was written is saved before the gallery goes.
  await flushSession();
  unloadGallery();
}

/** Puts a session's setup (prompts, reference bank) in place without re-scoring. */
async function applySetup(setup: SessionSetup): Promise<void> {
  const refs: ReferenceShot[] = setup.references.map((r) => ({
    ...r,
    status: 'pending',
    error: null,
    thumb: null,
    width: null,
    height: null,
  }));
  for (const r of useApp.getState().references) r.thumb?.close();
  // The thresholds come back once the bank is in, filed under the mode they were set in with their
  // source: put on the sliders while the bank was still pending, they were filed as hand-set
  // thresholds of whatever mode the pending bank showed.
  useApp.setState({ prompts: setup.prompts, references: refs });
  putInspectionSetup(setup.inspection);
  // One transaction: a page closed during the switch keeps one whole bank, never part of one.
  await saveReferences(refs, { replace: true });
  await restoreReferences(refs);
  if (useApp.getState().model.phase === 'ready') {
    await engineJobs.run(() => engine().clearReferences());
    await applyPrompts().catch(() => false);
    await encodeAllReferences({ rescore: false });
  }
  if (setup.mode !== undefined) restoreModeThresholds(setup.mode, setup.thresholds, setup.source ?? null);
  else patchThresholds(setup.thresholds); // older records: the current mode's, set by hand
}

async function enter(id: string, setup: SessionSetup | null): Promise<void> {
  await putMeta(ACTIVE_KEY, id);
  patchSessions({ activeId: id, sessions: await listSessions() });
  if (setup) await applySetup(setup);
  await showImages(await readImages(id));
  if (useApp.getState().model.phase === 'ready') {
    const { skip, shown } = await adoptStoredImages();
    requeueAll({ keepResults: false, skip, shown });
  }
  void refreshStorage();
}

/** Session actions run one at a time (a second click while one runs does nothing). */
async function exclusive(fn: () => Promise<void>): Promise<void> {
  if (useSessions.getState().busy) return;
  patchSessions({ busy: true });
  try {
    await fn();
  } catch (err) {
    notify('error', `Session: ${errorText(err)}`);
  } finally {
    patchSessions({ busy: false });
  }
}

/**
 * Starts an empty session with the current setup and the given name. Its part, lot and station start
 * empty and are asked for; the previous session's are offered (`asked`).
 */
export function newSession(name: string): Promise<void> {
  return exclusive(async () => {
    const cur = await getOne(SESSIONS, activeId());
    await leaveActive();
    const n = useSessions.getState().sessions.length + 1;
    const rec = newRecord(name.trim() || `Session ${n}`);
    await createActiveSession(rec, ACTIVE_KEY);
    const previous = { part: cur?.part ?? '', lot: cur?.lot ?? '', station: cur?.station ?? '' };
    // Before the switch, so the new session's fields mount asking (and the first takes the focus).
    patchSessions({ asked: { session: rec.id, previous } });
    await enter(rec.id, null);
  });
}

/** Reopens an earlier session: its images, results, thresholds and prompt/reference setup. */
export function openSession(id: string): Promise<void> {
  return exclusive(async () => {
    if (id === useSessions.getState().activeId) return;
    const rec = await getOne(SESSIONS, id);
    if (!rec) throw new Error('that session no longer exists');
    patchSessions({ asked: null });
    await leaveActive();
    await enter(id, rec.setup);
  });
}

type Naming = Partial<Pick<SessionRecord, 'name' | 'part' | 'lot' | 'station'>>;

/**
 * Renames the session being edited now (even if another is opened before the write runs). Each rename
 * reads and writes the record in one transaction, and transactions on the record run in call order,
 * so two quick edits (name, then lot) both stay.
 */
export async function renameSession(patch: Naming): Promise<void> {
  const id = activeId();
  try {
    if (!(await updateSession(id, (r) => ({ ...r, ...patch, updatedAt: Date.now() })))) return;
  } catch (err) {
    notify('error', `Could not rename: ${errorText(err)}`);
  }
  patchSessions({
    sessions: useSessions.getState().sessions.map((s) => (s.id === id ? { ...s, ...patch } : s)),
  });
}

/** Content hashes still used by any stored image, across sessions. */
async function hashesInUse(): Promise<Set<string>> {
  const recs = await getAll(IMAGES);
  return new Set(recs.map((r) => r.contentHash).filter((h): h is string => h !== null));
}

/** Deletes an inactive session with its images and their features (where no other session uses them). */
export function deleteSession(id: string): Promise<void> {
  return exclusive(async () => {
    if (id === useSessions.getState().activeId)
      throw new Error('open another session before deleting this one');
    const hashes = (await getBySession(IMAGES, id))
      .map((r) => r.contentHash)
      .filter((h): h is string => h !== null);
    await deleteSessionData(id, true);
    const inUse = await hashesInUse();
    await engine()
      .deleteStoredFeatures(hashes.filter((h) => !inUse.has(h)))
      .catch(() => undefined);
    patchSessions({ sessions: await listSessions() });
    await refreshStorage();
  });
}

/** Deletes every session, image, stored feature, prompt embedding and kept local model; a fresh session starts. */
export function clearAllStorage(): Promise<void> {
  return exclusive(async () => {
    await settle();
    patchSessions({ asked: null });
    unloadGallery();
    forgetStored();
    await clearAllSessions();
    await deleteKeptModels();
    await engine()
      .clearStoredFeatures()
      .catch(() => undefined);
    const rec = newRecord('Session 1');
    await putMany(SESSIONS, [rec]);
    await enter(rec.id, null);
    notify('success', 'Stored sessions, images and features were deleted.');
  });
}

/** Wording of the storage line: used and quota. */
export function storageText(): string {
  const st = useSessions.getState().storage;
  if (!st) return 'Storage use unknown';
  return `${formatBytes(st.usage)} used of ${formatBytes(st.quota)}`;
}
