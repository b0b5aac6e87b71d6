/**
 * Crash safety: the page is killed (renderer crashed, or closed) at several points while a batch of
 * writes runs (two drops of 5 images being scored, marks set as cards score), then the storage is
 * read back as it was left. Each user-level change must be stored whole or not at all: the images of
 * a drop all or none, every image record with its file and every file with its record, the session's
 * count equal to its records, the marks a prefix of the marks set (never a later one without an
 * earlier one).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { card, drop, setupTinyModel, waitScored } from './support/app';
import { expect, test } from './support/fixtures';
import { synthFiles } from './support/synth-images';

interface Stored {
  active: string | null;
  sessions: { id: string; images?: number }[];
  images: { id: string; session: string; name: string; status: string; score: number | null }[];
  blobs: { id: string; session: string }[];
  labels: Record<string, string>;
}

/** Reads both databases raw, from a page of the origin that does not run the app (nothing is changed). */
async function readStorage(context: BrowserContext): Promise<Stored> {
  const page = await context.newPage();
  await page.goto('/favicon.svg');
  const stored = await page.evaluate(async () => {
    const open = (name: string) =>
      new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
    const all = <T>(db: IDBDatabase, store: string) =>
      new Promise<T[]>((res, rej) => {
        const r = db.transaction(store).objectStore(store).getAll();
        r.onsuccess = () => res(r.result as T[]);
        r.onerror = () => rej(r.error);
      });
    const one = <T>(db: IDBDatabase, store: string, key: string) =>
      new Promise<T | undefined>((res, rej) => {
        const r = db.transaction(store).objectStore(store).get(key);
        r.onsuccess = () => res(r.result as T | undefined);
        r.onerror = () => rej(r.error);
      });
    const sessions = await open('winclip-sessions');
    const settings = await open('winclip-inspector');
    type Rec = {
      id: string;
      session: string;
      image: { name: string; status: string; result: { score: number } | null };
    };
    const images = (await all<Rec>(sessions, 'images')).map((r) => ({
      id: r.id,
      session: r.session,
      name: r.image.name,
      status: r.image.status,
      score: r.image.result?.score ?? null,
    }));
    const blobs = (await all<{ id: string; session: string }>(sessions, 'blobs')).map(({ id, session }) => ({
      id,
      session,
    }));
    const out = {
      active: (await one<string>(sessions, 'meta', 'active')) ?? null,
      sessions: (await all<{ id: string; images?: number }>(sessions, 'sessions')).map(({ id, images }) => ({
        id,
        images,
      })),
      images,
      blobs,
      labels: (await one<Record<string, string>>(settings, 'kv', 'labels')) ?? {},
    };
    sessions.close();
    settings.close();
    return out;
  });
  await page.close();
  return stored;
}

/** The two drops' image names (synthFiles names them `<prefix>-000.png`…). */
const DROP_NAMES = {
  a: Array.from({ length: 5 }, (_, i) => `a-00${i}.png`),
  b: Array.from({ length: 5 }, (_, i) => `b-00${i}.png`),
};

/** The user-level changes, in order: a drop of 5 images, or a mark (G: OK, N: NG) on a scored card. */
type Change = { drop: 'a' | 'b' } | { mark: string; key: 'g' | 'n' };
const CHANGES: Change[] = [
  { drop: 'a' },
  { mark: 'a-000.png', key: 'n' },
  { mark: 'a-001.png', key: 'g' },
  { drop: 'b' },
  { mark: 'a-002.png', key: 'n' },
  { mark: 'b-000.png', key: 'g' },
  { mark: 'b-001.png', key: 'n' },
];

async function apply(page: Page, c: Change): Promise<void> {
  if ('drop' in c) return drop(page, await synthFiles(5, c.drop));
  await waitScored(page, [c.mark]);
  await card(page, c.mark).click();
  await page.keyboard.press(c.key);
}

/** Kills the page as a crash does (no pagehide, nothing flushed) or as closing the tab does. */
async function kill(context: BrowserContext, page: Page, how: 'crash' | 'close'): Promise<void> {
  if (how === 'close') return page.close({ runBeforeUnload: false });
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  // The CDP session dies with the renderer, so the call itself never answers.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
}

function checkWhole(s: Stored, label: string): void {
  const active = s.sessions.find((x) => x.id === s.active);
  expect(active, `${label}: the active session exists`).toBeTruthy();
  const imgs = s.images.filter((r) => r.session === s.active);
  const stored = new Set(imgs.map((r) => r.name));
  // A drop is one change: all its images or none, and the second only with the first.
  const a = DROP_NAMES.a.filter((n) => stored.has(n)).length;
  const b = DROP_NAMES.b.filter((n) => stored.has(n)).length;
  expect([0, 5], `${label}: images of the first drop stored`).toContain(a);
  expect([0, 5], `${label}: images of the second drop stored`).toContain(b);
  if (b > 0) expect(a, `${label}: the second drop without the first`).toBe(5);
  // Files and records come together; the session's count agrees with its records.
  const records = new Set(imgs.map((r) => r.id));
  const files = new Set(
    s.blobs.filter((x) => x.session === s.active).map((x) => x.id.replace(/#thumb$/, '')),
  );
  expect([...files].sort(), `${label}: files without their image record`).toEqual(
    [...files].filter((id) => records.has(id)).sort(),
  );
  expect([...records].sort(), `${label}: image records without their file`).toEqual(
    [...records].filter((id) => files.has(id)).sort(),
  );
  expect(active?.images ?? 0, `${label}: the session's image count`).toBe(imgs.length);
  // A done image has its score in the same record.
  for (const r of imgs)
    if (r.status === 'done') expect(r.score, `${label}: ${r.name} done without a score`).not.toBeNull();
  // Marks are a prefix of the marks set, in order.
  const marks = CHANGES.filter((c): c is { mark: string; key: 'g' | 'n' } => 'mark' in c);
  const kept = Object.entries(s.labels).map(([k, v]) => [k.slice(k.indexOf('|') + 1), v]);
  const prefix = marks.slice(0, kept.length).map((m) => [m.mark, m.key === 'g' ? 'OK' : 'NG']);
  expect(kept.sort(), `${label}: marks kept are the first ${kept.length} set`).toEqual(prefix.sort());
}

// After the k-th change (1-based), how the page dies: right after the change (its debounced saves
// pending), or as soon as a card is scored (mid-queue, results being written).
const KILLS: { after: number; until?: string; how: 'crash' | 'close' }[] = [
  { after: 1, until: 'a-000.png', how: 'crash' },
  { after: 3, how: 'close' },
  { after: 4, until: 'b-000.png', how: 'crash' },
  { after: 6, how: 'crash' },
];

test('a page killed during a batch of writes leaves every change stored whole or not at all', async ({
  browser,
  backend,
  hub,
}, testInfo) => {
  // Budget: four runs, each a fresh profile loading the tiny model and scoring up to 10 images on WASM.
  test.setTimeout(5 * 60_000);
  const { baseURL, viewport } = testInfo.project.use;
  for (const k of KILLS) {
    const label = `killed (${k.how}) after change ${k.after}${k.until ? ` once ${k.until} was scored` : ''}`;
    const context = await browser.newContext({ baseURL, viewport });
    const page = await context.newPage();
    await setupTinyModel(page, { backend, hub: hub.url });
    for (const c of CHANGES.slice(0, k.after)) await apply(page, c);
    if (k.until) await waitScored(page, [k.until]);
    await kill(context, page, k.how);
    const stored = await readStorage(context);
    console.log(
      `${label}: ${stored.images.length} images, ${Object.keys(stored.labels).length} marks stored`,
    );
    checkWhole(stored, label);
    await context.close();
  }
});
