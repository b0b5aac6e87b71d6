import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { FeatureDatabase } from '../../workers/feature-store';
import type { EncodedImage } from '../engine/api';
import { featuresDatabase, type SessionsSchema, sessionsDatabase, settingsDatabase } from './app-databases';
import { BLOCKED_MESSAGE, Database, type UpgradeStep } from './idb-database';

// Node's structured clone keeps a Blob's bytes but turns a File into a plain Blob; the browser keeps
// File (the e2e specs cover that), so these tests compare bytes.

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function txDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/** Opens a database at version 1 with the raw calls and upgrade body the app used before `idb`. */
async function openV1(name: string, create: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  const r = indexedDB.open(name, 1);
  r.onupgradeneeded = () => create(r.result);
  return req(r);
}

/** Writes records (and out-of-line keyed values) with raw calls, then closes the connection. */
async function writeRaw(
  db: IDBDatabase,
  puts: [store: string, value: unknown, key?: IDBValidKey][],
): Promise<void> {
  const stores = [...new Set(puts.map((p) => p[0]))];
  const tx = db.transaction(stores, 'readwrite');
  for (const [store, value, key] of puts) tx.objectStore(store).put(value, key);
  await txDone(tx);
  db.close();
}

const text = (b: Blob) => b.text();

const SESSION = {
  id: 's1',
  name: 'Lot 7',
  part: 'bracket',
  lot: '7',
  station: 'B',
  createdAt: 1000,
  updatedAt: 2000,
  setup: null,
  images: 1,
  bytes: 9,
};
const IMAGE = {
  id: 'im1',
  session: 's1',
  image: { id: 'im1', name: 'a.png', addedAt: 5, status: 'done', result: { score: 0.25 }, label: 'NG' },
  contentHash: 'h1',
  modelId: 'model-a',
  fileBytes: 3,
  thumbBytes: 2,
  featureBytes: 4,
};

describe('version-1 databases written before the idb layer', () => {
  it('keeps sessions, images, files, thumbnails and keyed values (winclip-sessions)', async () => {
    const raw = await openV1('winclip-sessions', (db) => {
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('images', { keyPath: 'id' }).createIndex('session', 'session');
      db.createObjectStore('blobs', { keyPath: 'id' }).createIndex('session', 'session');
      db.createObjectStore('meta');
    });
    await writeRaw(raw, [
      ['sessions', SESSION],
      ['sessions', { ...SESSION, id: 's2', name: 'Lot 8', images: undefined, bytes: undefined }],
      ['images', IMAGE],
      ['blobs', { id: 'im1', session: 's1', blob: new File(['png'], 'a.png', { type: 'image/png' }) }],
      ['blobs', { id: 'im1#thumb', session: 's1', blob: new Blob(['wb'], { type: 'image/webp' }) }],
      ['meta', 's1', 'active'],
      ['meta', { dir: 'ViT-B-16', label: 'ViT-B-16', savedAt: 3 }, 'keptLocalModel'],
    ]);

    const store = sessionsDatabase<(typeof IMAGE)['image'], null>();
    const db = await store.open();
    expect(db.version).toBe(1);
    expect((await db.getAll('sessions')).map((s) => [s.id, s.name, s.images])).toEqual([
      ['s1', 'Lot 7', 1],
      ['s2', 'Lot 8', undefined],
    ]);
    expect(await db.getAllFromIndex('images', 'session', 's1')).toEqual([IMAGE]);
    const blobs = await db.getAllFromIndex('blobs', 'session', 's1');
    expect(blobs.map((b) => b.id)).toEqual(['im1', 'im1#thumb']);
    expect(await Promise.all(blobs.map((b) => text(b.blob)))).toEqual(['png', 'wb']);
    expect(await db.get('meta', 'active')).toBe('s1');
    expect(await db.get('meta', 'keptLocalModel')).toEqual({
      dir: 'ViT-B-16',
      label: 'ViT-B-16',
      savedAt: 3,
    });
    await store.close();
  });

  it('keeps settings and the reference bank (winclip-inspector)', async () => {
    const raw = await openV1('winclip-inspector', (db) => {
      if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
      if (!db.objectStoreNames.contains('references')) db.createObjectStore('references', { keyPath: 'id' });
    });
    await writeRaw(raw, [
      ['kv', { image: 0.4, pixel: 0.6 }, 'thresholds'],
      ['references', { id: 'r1', name: 'good.png', blob: new Blob(['ref']), addedAt: 7 }],
    ]);
    const store = settingsDatabase<{ id: string; name: string; blob: Blob }>();
    const db = await store.open();
    expect(await db.get('kv', 'thresholds')).toEqual({ image: 0.4, pixel: 0.6 });
    const refs = await db.getAll('references');
    expect(refs.map((r) => r.name)).toEqual(['good.png']);
    expect(await text(refs[0].blob)).toBe('ref');
    await store.close();
  });

  it('keeps encoded features and prompt embeddings, read through FeatureDatabase (winclip-features)', async () => {
    const encoded: EncodedImage = {
      tiles: [
        {
          imageEmbedding: new Float32Array([1, 2]),
          patchEmbeddings: new Float32Array([3, 4, 5, 6]),
          windowEmbeddings: new Map([[2, new Float32Array([7, 8])]]),
        },
      ],
    } as unknown as EncodedImage;
    const raw = await openV1('winclip-features', (db) => {
      if (!db.objectStoreNames.contains('features'))
        db.createObjectStore('features', { keyPath: ['hash', 'model'] });
      if (!db.objectStoreNames.contains('prompts'))
        db.createObjectStore('prompts', { keyPath: ['model', 'prompt'] });
    });
    await writeRaw(raw, [
      ['features', { hash: 'h1', model: 'model-a', encoded, bytes: 32, savedAt: 1 }],
      ['features', { hash: 'h1', model: 'model-b', encoded, bytes: 32, savedAt: 1 }],
      ['features', { hash: 'h2', model: 'model-a', encoded, bytes: 32, savedAt: 1 }],
      [
        'prompts',
        { model: 'model-a', prompt: 'a photo of a flawless bracket.', embedding: new Float32Array([9]) },
      ],
      [
        'prompts',
        { model: 'model-a', prompt: 'a photo of a bent bracket.', embedding: new Float32Array([8]) },
      ],
      // Another model's, and one whose identity starts with the first's: never returned for it.
      [
        'prompts',
        { model: 'model-ab', prompt: 'a photo of a flawless bracket.', embedding: new Float32Array([1]) },
      ],
      [
        'prompts',
        { model: 'model-', prompt: 'a photo of a flawless bracket.', embedding: new Float32Array([2]) },
      ],
    ]);

    const fs = new FeatureDatabase();
    const got = await fs.getFeatures('model-a', 'h1');
    expect(Array.from(got!.tiles[0].patchEmbeddings)).toEqual([3, 4, 5, 6]);
    expect(Array.from(got!.tiles[0].windowEmbeddings.get(2)!)).toEqual([7, 8]);
    expect(await fs.hasFeatures('model-b', 'h1')).toBe(true);
    expect(await fs.hasFeatures('model-c', 'h1')).toBe(false);
    expect(await fs.getPrompts('model-a', ['a photo of a flawless bracket.', 'unknown'])).toEqual([
      ['a photo of a flawless bracket.', new Float32Array([9])],
    ]);
    expect(await fs.getPrompts('model-ab', ['a photo of a flawless bracket.'])).toEqual([
      ['a photo of a flawless bracket.', new Float32Array([1])],
    ]);
    // Deleting a content removes it for every model, and nothing else.
    await fs.deleteFeatures(['h1']);
    expect(await fs.hasFeatures('model-a', 'h1')).toBe(false);
    expect(await fs.hasFeatures('model-b', 'h1')).toBe(false);
    expect(await fs.hasFeatures('model-a', 'h2')).toBe(true);
    expect(await fs.putFeatures('model-a', 'h3', encoded)).toBe(32);
    expect(await fs.hasFeatures('model-a', 'h3')).toBe(true);
    await fs.clearAll();
    expect(await fs.hasFeatures('model-a', 'h2')).toBe(false);
    expect(await fs.getPrompts('model-a', ['a photo of a flawless bracket.'])).toEqual([]);
    await fs.close();
  });

  it('creates today’s layout in an empty origin', async () => {
    const store = featuresDatabase<unknown>();
    const db = await store.open();
    expect([...db.objectStoreNames].sort()).toEqual(['features', 'prompts']);
    expect(db.transaction('features').store.keyPath).toEqual(['hash', 'model']);
    await store.close();
  });
});

describe('upgrade steps', () => {
  type V2 = SessionsSchema<{ name: string }, null> & {
    images: { indexes: { session: string; contentHash: string } };
  };
  const v1Steps = sessionsDatabase<{ name: string }, null>().spec
    .steps as unknown as readonly UpgradeStep<V2>[];
  /** A later layout: an index by content hash, and a field every old image record gets. */
  const addHashIndex: UpgradeStep<V2> = (_db, tx) => {
    const images = tx.objectStore('images');
    images.createIndex('contentHash', 'contentHash');
    void images.openCursor().then(async function next(c): Promise<void> {
      if (!c) return;
      await c.update({ ...c.value, featureBytes: c.value.featureBytes || -1 });
      return next(await c.continue());
    });
  };

  it('runs only the steps after the stored version, keeping the records', async () => {
    const v1 = sessionsDatabase<(typeof IMAGE)['image'], null>();
    const db1 = await v1.open();
    await db1.put('images', { ...IMAGE, featureBytes: 0 });
    await db1.put('sessions', SESSION);
    await v1.close();

    // Step 0 would fail on existing stores if it ran again.
    const v2 = new Database<V2>({ name: 'winclip-sessions', steps: [...v1Steps, addHashIndex] });
    const db2 = await v2.open();
    expect(db2.version).toBe(2);
    expect((await db2.getAll('sessions')).map((s) => s.name)).toEqual(['Lot 7']);
    const byHash = await db2.getAllFromIndex('images', 'contentHash', 'h1');
    expect(byHash.map((r) => [r.id, r.featureBytes])).toEqual([['im1', -1]]);
    await v2.close();
  });

  it('runs every step for a new database', async () => {
    const v2 = new Database<V2>({ name: 'winclip-sessions', steps: [...v1Steps, addHashIndex] });
    const db = await v2.open();
    expect([...db.transaction('images').store.indexNames].sort()).toEqual(['contentHash', 'session']);
    await v2.close();
  });

  it('fails with a clear message while an older tab keeps the database open', async () => {
    const raw = await openV1('winclip-sessions', (db) => {
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('images', { keyPath: 'id' }).createIndex('session', 'session');
      db.createObjectStore('blobs', { keyPath: 'id' }).createIndex('session', 'session');
      db.createObjectStore('meta');
    });
    const v2 = new Database<V2>({ name: 'winclip-sessions', steps: [...v1Steps, addHashIndex] });
    await expect(v2.open()).rejects.toThrow(BLOCKED_MESSAGE);
    raw.close();
    // Once the old tab is gone, the next try upgrades.
    expect((await v2.open()).version).toBe(2);
    await v2.close();
  });

  it('steps aside when a newer version opens elsewhere', async () => {
    const v1 = sessionsDatabase<{ name: string }, null>();
    await v1.open();
    const v2 = new Database<V2>({ name: 'winclip-sessions', steps: [...v1Steps, addHashIndex] });
    expect((await v2.open()).version).toBe(2);
    await v2.close();
    // The old page now meets a newer database: the browser's version error, not a hang.
    await expect(v1.open()).rejects.toThrow();
  });

  it('refuses a database with no layout', () => {
    expect(() => new Database({ name: 'x', steps: [] })).toThrow('has no layout');
  });
});
