/**
 * The app without a page: one "visit" is a fresh import of every module (stores, services, their
 * timers and caches) over the IndexedDB the last visit left, started by the real `boot()`; the engine
 * worker is the deterministic fake of chaos-engine. A reload runs the page's `pagehide` listeners (the
 * page going away), kills the old worker, and visits again.
 */
import { vi } from 'vitest';
import { FakeEngine } from './chaos-engine.test-helpers';

/** What the mocks in the test file read: the live worker of the current visit. */
export interface EngineHold {
  engine: FakeEngine;
}

async function modules() {
  return {
    store: await import('../state/store'),
    sessionStore: await import('../state/session-store'),
    calib: await import('../state/calibration'),
    recipeStore: await import('../state/recipe-store'),
    calibration: await import('./calibration-service'),
    inspection: await import('./inspection-service'),
    references: await import('./reference-service'),
    prompts: await import('./prompt-service'),
    sessions: await import('./session-service'),
    batch: await import('./batch-service'),
    recipes: await import('./recipe-service'),
    autosave: await import('./session-autosave'),
    persistence: await import('./persistence'),
  };
}

export type Page = Awaited<ReturnType<typeof modules>> & { pagehide: () => Promise<void> };

/** Opens the app as a visit with `?repo=` does: hydrate, restore the session, load the model. */
export async function visit(hold: EngineHold): Promise<Page> {
  vi.resetModules();
  hold.engine.dead = true;
  hold.engine = new FakeEngine();
  // This page's worker: a page that is gone keeps talking to its own dead one, never to the next.
  const own = hold.engine;
  vi.doMock('./engine-service', async () => {
    const { SerialQueue } = await import('../../core/serial-queue');
    const api = () => own.api() as never;
    return {
      engineJobs: new SerialQueue(),
      engine: api,
      engineClient: () => ({ restarts: 0, api: api() }),
      refreshStats: async () => undefined,
      setRestoreHook: () => undefined,
      startEngine: async () => {
        (await import('../state/store')).patchEngine({ status: 'ready', backend: 'wasm' });
      },
      restartEngine: () => undefined,
      releaseEngineOnPageHide: () => undefined,
      ortWasmPath: () => '/ort/',
      threadLimit: () => undefined,
    };
  });
  const listeners = new Map<string, ((e: { persisted: boolean }) => unknown)[]>();
  vi.stubGlobal('window', {
    location: { search: '?repo=tiny/model', href: 'http://localhost/?repo=tiny/model' },
    addEventListener: (type: string, fn: (e: { persisted: boolean }) => unknown) =>
      listeners.set(type, [...(listeners.get(type) ?? []), fn]),
  });
  const m = await modules();
  await (await import('../boot')).boot();
  const pagehide = async () => {
    await Promise.all((listeners.get('pagehide') ?? []).map((fn) => fn({ persisted: false })));
  };
  return { ...m, pagehide };
}

/** Whether nothing is left to happen but timers of notices: queue, bank, prompts, calibration, sessions. */
function quiet(p: Page): boolean {
  const s = p.store.useApp.getState();
  const loo = p.calib.useCalib.getState().loo;
  const ready = s.references.filter((r) => r.status === 'ready').length;
  return (
    s.model.phase === 'ready' &&
    s.promptStatus.applied &&
    !s.promptStatus.busy &&
    !s.queue.running &&
    !s.images.some((im) => im.status === 'queued' || im.status === 'processing') &&
    !s.references.some((r) => r.status === 'pending' || r.status === 'encoding') &&
    (ready < 2 || loo.status === 'done') &&
    !p.sessionStore.useSessions.getState().busy &&
    !p.recipeStore.useRecipe.getState().busy
  );
}

const macrotask = () => new Promise<void>((r) => setImmediate(r));

/** Lets timers and storage run until the app is quiet (a user looks a moment later). */
export async function settle(p: Page): Promise<void> {
  let calm = 0;
  for (let i = 0; i < 600 && calm < 3; i++) {
    await vi.advanceTimersByTimeAsync(100);
    for (let j = 0; j < 5; j++) await macrotask();
    calm = quiet(p) ? calm + 1 : 0;
  }
  // A moment later every debounced save has run too.
  if (calm === 3)
    await Promise.all([
      p.autosave.flushSession(),
      p.calibration.flushCalibration(),
      p.persistence.flushNow(),
    ]);
  if (calm < 3) {
    const s = p.store.useApp.getState();
    throw new Error(
      `the app did not settle: model ${s.model.phase}, queue ${JSON.stringify(s.queue)}, images ${s.images
        .map((im) => im.status)
        .join(
          ',',
        )}, refs ${s.references.map((r) => r.status).join(',')}, loo ${p.calib.useCalib.getState().loo.status}`,
    );
  }
}

/** Runs `fn` while the next write to the sessions' image files fails as a full quota does. */
export function failNextImageWrite(): () => boolean {
  const proto = (globalThis as unknown as { IDBDatabase: { prototype: IDBDatabase } }).IDBDatabase.prototype;
  const original = proto.transaction;
  let hit = false;
  proto.transaction = function (this: IDBDatabase, names: string | string[], ...rest: unknown[]) {
    const list = typeof names === 'string' ? [names] : [...names];
    if (!hit && rest[0] === 'readwrite' && list.includes('blobs')) {
      hit = true;
      proto.transaction = original;
      // A full quota fails the whole transaction: nothing of it is written.
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
    return (original as (...a: unknown[]) => IDBTransaction).call(this, names, ...rest);
  } as IDBDatabase['transaction'];
  return () => {
    proto.transaction = original;
    return hit;
  };
}

/** What the user sees, in the model's terms. */
export interface View {
  sessions: { name: string; part: string; lot: string; station: string }[];
  active: number;
  images: { name: string; status: string; score: number | null; mark: string | null }[];
  objectName: string;
  refs: string[];
  sliders: { image: number; pixel: number };
  byMode: Record<string, { image: number; pixel: number; source: string }>;
}

export function viewOf(p: Page): View {
  const s = p.store.useApp.getState();
  const ss = p.sessionStore.useSessions.getState();
  const c = p.calib.useCalib.getState();
  return {
    sessions: ss.sessions.map(({ name, part, lot, station }) => ({ name, part, lot, station })),
    active: ss.sessions.findIndex((x) => x.id === ss.activeId),
    images: s.images.map((im) => ({
      name: im.name,
      status: im.status,
      score: im.result?.score ?? null,
      mark: p.calib.labelOf(c.labels, im),
    })),
    objectName: s.prompts.objectName,
    refs: s.references.map((r) => `${r.name}:${r.status}`),
    sliders: { image: s.thresholds.image, pixel: s.thresholds.pixel },
    byMode: Object.fromEntries(
      Object.entries(c.byMode).map(([k, e]) => [k, { image: e.image, pixel: e.pixel, source: e.source }]),
    ),
  };
}

/** Where two views differ, one line per leaf: `path: app … | model …` (empty when they agree). */
export function diffViews(app: unknown, model: unknown, path = ''): string[] {
  if (JSON.stringify(app) === JSON.stringify(model)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isObj(app) || !isObj(model))
    return [`${path || '.'}: app ${JSON.stringify(app)} | model ${JSON.stringify(model)}`];
  const keys = new Set([...Object.keys(app), ...Object.keys(model)]);
  return [...keys].flatMap((k) => diffViews(app[k], model[k], `${path}.${k}`));
}

/**
 * Node's structuredClone turns a File into a plain Blob (browsers keep the File, with its name), so
 * fake-indexeddb would give back files the app no longer recognises: clone as a browser does.
 */
export function browserStructuredClone(): typeof structuredClone {
  const native = globalThis.structuredClone;
  const clone = (v: unknown): unknown => {
    if (v instanceof File) return v; // immutable bytes: the same object is an exact copy
    if (Array.isArray(v)) return v.map(clone);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
    return native(v);
  };
  return clone as typeof structuredClone;
}
