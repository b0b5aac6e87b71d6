import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { patchSessions } from '../state/session-store';
import { useApp } from '../state/store';
import { type InspectedImage, queuedImage } from '../state/types';
import { flushSession, startSessionAutosave, withoutAutosave } from './session-autosave';
import {
  BLOBS,
  getAll,
  getBySession,
  getOne,
  IMAGES,
  putMany,
  SESSIONS,
  type SessionRecord,
  updateSession,
} from './session-db';

function record(id: string): SessionRecord {
  return { id, name: id, part: '', lot: '', station: '', createdAt: 1, updatedAt: 1, setup: null };
}

function image(id: string, addedAt: number): InspectedImage {
  return queuedImage(id, `${id}.png`, new File([id], `${id}.png`, { type: 'image/png' }), addedAt);
}

let stop: () => void;
let n = 0;
/** A fresh session per test (one database for the file: the module keeps its connection). */
let session: string;

beforeAll(() => {
  useApp.setState({ hydrated: true, images: [] });
  stop = startSessionAutosave();
});
afterAll(() => stop());

beforeEach(async () => {
  session = `s${++n}`;
  await putMany(SESSIONS, [record(session)]);
  withoutAutosave(() => useApp.setState({ images: [] }));
  patchSessions({ activeId: session, sessions: [] });
});

describe('session autosave', () => {
  it('writes added images, their files and changes, and the session counts', async () => {
    const a = image('a', 1);
    useApp.setState({ images: [a, image('b', 2)] });
    await flushSession();
    useApp.setState({ images: [{ ...a, status: 'error', error: 'bad file' }] });
    await flushSession();
    const recs = await getBySession(IMAGES, session);
    expect(recs.map((r) => [r.id, r.image.status, r.image.error])).toEqual([['a', 'error', 'bad file']]);
    expect((await getBySession(BLOBS, session)).map((b) => b.id)).toEqual(['a']);
    const rec = await getOne(SESSIONS, session);
    expect([rec?.images, rec?.bytes]).toEqual([1, 1]);
  });

  it('writes the count of the records stored, not of images whose write is still to come', async () => {
    const g = image('g', 1);
    useApp.setState({ images: [g] });
    await flushSession();
    // h is in the gallery but not stored yet (as a drop whose batch comes after this one); a page
    // killed after the next batch must find a count that agrees with the records.
    withoutAutosave(() => useApp.setState((s) => ({ images: [...s.images, image('h', 2)] })));
    useApp.setState((s) => ({
      images: s.images.map((im) => (im.id === 'g' ? { ...im, status: 'error' } : im)),
    }));
    await flushSession();
    expect((await getBySession(IMAGES, session)).map((r) => r.id)).toEqual(['g']);
    const rec = await getOne(SESSIONS, session);
    expect([rec?.images, rec?.bytes]).toEqual([1, 1]);
  });

  it('saves nothing of a gallery swapped in without autosave', async () => {
    withoutAutosave(() => useApp.setState({ images: [image('c', 1)] }));
    await flushSession();
    expect(await getBySession(IMAGES, session)).toEqual([]);
    // The next real edit is diffed against the swapped-in gallery: only the new image is written.
    useApp.setState((s) => ({ images: [...s.images, image('d', 2)] }));
    await flushSession();
    expect((await getBySession(IMAGES, session)).map((r) => r.id)).toEqual(['d']);
  });

  it('writes a change under the session it happened in, even when the session switches first', async () => {
    useApp.setState({ images: [image('e', 1)] });
    const next = `s${++n}`;
    await putMany(SESSIONS, [record(next)]);
    // The switch: the debounced write has not run yet.
    patchSessions({ activeId: next });
    withoutAutosave(() => useApp.setState({ images: [] }));
    useApp.setState({ images: [image('f', 1)] });
    await flushSession();
    expect((await getBySession(IMAGES, session)).map((r) => r.id)).toEqual(['e']);
    expect((await getBySession(IMAGES, next)).map((r) => r.id)).toEqual(['f']);
  });
});

describe('session records', () => {
  it('concurrent updates of one record both stay (no write starts from the old record)', async () => {
    await Promise.all([
      updateSession(session, (r) => ({ ...r, name: 'Lot 7' })),
      updateSession(session, (r) => ({ ...r, lot: '7' })),
      updateSession(session, (r) => ({ ...r, images: 4, bytes: 100 })),
    ]);
    const rec = (await getAll(SESSIONS)).find((r) => r.id === session);
    expect([rec?.name, rec?.lot, rec?.images, rec?.bytes]).toEqual(['Lot 7', '7', 4, 100]);
  });

  it('updating a session that no longer exists writes nothing', async () => {
    expect(await updateSession('gone', (r) => ({ ...r, name: 'x' }))).toBeUndefined();
    expect(await getOne(SESSIONS, 'gone')).toBeUndefined();
  });
});
