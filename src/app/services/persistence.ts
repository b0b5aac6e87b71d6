/**
 * What survives a reload (IndexedDB): prompts, settings, thresholds, a few view choices, the last
 * hub/folder model, and the reference bank's images. Saved on change, debounced.
 */

import type { AppState } from '../state/store';
import { DEFAULT_SETTINGS, DEFAULT_THRESHOLDS, defaultPrompts, notify, useApp } from '../state/store';
import type {
  PersistedModelSource,
  PromptConfig,
  ReferenceShot,
  Settings,
  SideTab,
  SortKey,
  Thresholds,
} from '../state/types';
import {
  idbClear,
  idbDelete,
  idbGet,
  idbGetAll,
  idbPut,
  idbPutEntries,
  idbPutReferences,
  KV_STORE,
  REFS_STORE,
} from './idb';
import { describeStorageError, firstStorageFailure } from './storage-errors';

interface StoredReference {
  id: string;
  name: string;
  blob: Blob;
  addedAt: number;
}

interface StoredView {
  sort: SortKey;
  sideTab: SideTab;
}

export interface Hydrated {
  references: ReferenceShot[];
  lastModel: PersistedModelSource | null;
}

function merge<T extends object>(defaults: T, stored: unknown): T {
  if (!stored || typeof stored !== 'object') return { ...defaults };
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof T)[]) {
    const v = (stored as T)[key];
    if (v !== undefined && typeof v === typeof defaults[key]) out[key] = v;
  }
  return out;
}

function validPrompts(stored: unknown): PromptConfig {
  const p = merge(defaultPrompts(), stored);
  const list = (v: unknown, d: string[]) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : d;
  const d = defaultPrompts();
  return {
    objectName: p.objectName,
    normalStates: list(p.normalStates, d.normalStates),
    anomalousStates: list(p.anomalousStates, d.anomalousStates),
    templates: list(p.templates, d.templates),
  };
}

/** Reads everything saved; missing or damaged entries fall back to defaults. */
export async function hydrate(): Promise<Hydrated> {
  try {
    const [settings, prompts, thresholds, view, lastModel, refs] = await Promise.all([
      idbGet<Partial<Settings>>(KV_STORE, 'settings'),
      idbGet<PromptConfig>(KV_STORE, 'prompts'),
      idbGet<Thresholds>(KV_STORE, 'thresholds'),
      idbGet<StoredView>(KV_STORE, 'view'),
      idbGet<PersistedModelSource>(KV_STORE, 'lastModel'),
      idbGetAll<StoredReference>(REFS_STORE),
    ]);
    useApp.setState((s) => ({
      settings: merge(DEFAULT_SETTINGS, settings),
      prompts: validPrompts(prompts),
      thresholds: merge(DEFAULT_THRESHOLDS, thresholds),
      ui: { ...s.ui, ...merge({ sort: s.ui.sort, sideTab: s.ui.sideTab }, view) },
    }));
    const references = refs
      .sort((a, b) => a.addedAt - b.addedAt)
      .map<ReferenceShot>((r) => ({
        id: r.id,
        name: r.name,
        blob: r.blob,
        addedAt: r.addedAt,
        status: 'pending',
        error: null,
        thumb: null,
        width: null,
        height: null,
      }));
    return { references, lastModel: lastModel ?? null };
  } catch (err) {
    notify(
      'error',
      `Saved settings could not be read (${describeStorageError(err)}); using defaults, and changes will not survive a reload.`,
    );
    firstStorageFailure();
    return { references: [], lastModel: null };
  }
}

let timer: ReturnType<typeof setTimeout> | null = null;
let pending: Partial<Record<'settings' | 'prompts' | 'thresholds' | 'view', unknown>> = {};

async function flush(): Promise<void> {
  const batch = pending;
  pending = {};
  try {
    // One transaction: what changed together is stored together.
    await idbPutEntries(Object.entries(batch));
  } catch (err) {
    if (firstStorageFailure())
      notify(
        'error',
        `Could not save settings (${describeStorageError(err)}); they will not survive a reload.`,
      );
  }
}

/** Resolves when queued saves are written (tests and page unload). */
export async function flushNow(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  await flush();
}

function schedule(key: keyof typeof pending, value: unknown): void {
  pending[key] = value;
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    void flush();
  }, 200);
}

/** Starts saving slices whenever they change. */
export function startAutosave(): () => void {
  return useApp.subscribe((s: AppState, prev: AppState) => {
    if (!s.hydrated) return;
    if (s.settings !== prev.settings) schedule('settings', s.settings);
    if (s.prompts !== prev.prompts) schedule('prompts', s.prompts);
    if (s.thresholds !== prev.thresholds) schedule('thresholds', s.thresholds);
    if (s.ui.sort !== prev.ui.sort || s.ui.sideTab !== prev.ui.sideTab) {
      schedule('view', { sort: s.ui.sort, sideTab: s.ui.sideTab } satisfies StoredView);
    }
  });
}

export async function saveLastModel(source: PersistedModelSource): Promise<void> {
  await idbPut(KV_STORE, source, 'lastModel').catch(() => undefined);
}

/**
 * Saves shots added together (one transaction: all or none), or with `replace` the whole bank in place
 * of the stored one (a session's bank, a recipe's).
 */
export async function saveReferences(
  shots: ReferenceShot[],
  opts: { replace?: boolean } = {},
): Promise<void> {
  const stored = shots.map<StoredReference>((s) => ({
    id: s.id,
    name: s.name,
    blob: s.blob,
    addedAt: s.addedAt,
  }));
  if (stored.length === 0 && !opts.replace) return;
  try {
    await idbPutReferences(stored, opts.replace === true);
  } catch (err) {
    const what = shots.length === 1 ? `reference ${shots[0].name}` : `${shots.length} references`;
    notify(
      'error',
      `Could not save ${what} (${describeStorageError(err)}); ${shots.length === 1 ? 'it is' : 'they are'} used now but will not survive a reload.`,
    );
  }
}

export async function deleteReference(id: string): Promise<void> {
  await idbDelete(REFS_STORE, id).catch(() => undefined);
}

export async function deleteAllReferences(): Promise<void> {
  await idbClear(REFS_STORE).catch(() => undefined);
}
