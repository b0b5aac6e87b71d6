/** A minimal promise wrapper over IndexedDB: one database, a key-value store and a references store. */
const DB_NAME = 'winclip-inspector';
const DB_VERSION = 1;
export const KV_STORE = 'kv';
export const REFS_STORE = 'references';

let dbPromise: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb(): Promise<IDBDatabase> {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(KV_STORE)) db.createObjectStore(KV_STORE);
        if (!db.objectStoreNames.contains(REFS_STORE)) db.createObjectStore(REFS_STORE, { keyPath: 'id' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this app'));
    });
    dbPromise.catch(() => {
      dbPromise = null;
    });
  }
  return dbPromise;
}

async function withStore<T>(
  name: string,
  mode: IDBTransactionMode,
  fn: (s: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(name, mode);
  const result = request(fn(tx.objectStore(name)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return result;
}

export function idbGet<T>(store: string, key: IDBValidKey): Promise<T | undefined> {
  return withStore(store, 'readonly', (s) => s.get(key) as IDBRequest<T | undefined>);
}

export function idbGetAll<T>(store: string): Promise<T[]> {
  return withStore(store, 'readonly', (s) => s.getAll() as IDBRequest<T[]>);
}

export async function idbPut(store: string, value: unknown, key?: IDBValidKey): Promise<void> {
  await withStore(store, 'readwrite', (s) => s.put(value, key));
}

export async function idbDelete(store: string, key: IDBValidKey): Promise<void> {
  await withStore(store, 'readwrite', (s) => s.delete(key));
}

export async function idbClear(store: string): Promise<void> {
  await withStore(store, 'readwrite', (s) => s.clear());
}
