/**
 * The settings database (`winclip-inspector`, layout in `src/io/app-databases.ts`): a key-value store
 * and the reference bank. Values are read back as the caller's type; callers validate what they read.
 */
import { settingsDatabase } from '../../io/app-databases';

export const KV_STORE = 'kv';
export const REFS_STORE = 'references';
type Store = typeof KV_STORE | typeof REFS_STORE;

const db = settingsDatabase<{ id: string }>();

export async function idbGet<T>(store: Store, key: string): Promise<T | undefined> {
  return (await (await db.open()).get(store, key)) as T | undefined;
}

export async function idbGetAll<T>(store: Store): Promise<T[]> {
  return (await (await db.open()).getAll(store)) as T[];
}

/** `key` for the key-value store; references carry their own (`id`). */
export async function idbPut(store: typeof KV_STORE, value: unknown, key: string): Promise<void>;
export async function idbPut(store: typeof REFS_STORE, value: { id: string }): Promise<void>;
export async function idbPut(store: Store, value: unknown, key?: string): Promise<void> {
  const conn = await db.open();
  if (store === KV_STORE) await conn.put(KV_STORE, value, key);
  else await conn.put(REFS_STORE, value as { id: string });
}

/** Writes keyed values in one transaction: all of them or, if it fails, none. */
export async function idbPutEntries(entries: [string, unknown][]): Promise<void> {
  if (entries.length === 0) return;
  const tx = (await db.open()).transaction(KV_STORE, 'readwrite');
  for (const [key, value] of entries) void tx.store.put(value, key);
  await tx.done;
}

/**
 * Writes references in one transaction, after clearing the store when `replace`: a page closed
 * meanwhile leaves the bank as it was or as it is now, never half of it.
 */
export async function idbPutReferences(values: { id: string }[], replace: boolean): Promise<void> {
  const tx = (await db.open()).transaction(REFS_STORE, 'readwrite');
  if (replace) void tx.store.clear();
  for (const v of values) void tx.store.put(v);
  await tx.done;
}

export async function idbDelete(store: Store, key: string): Promise<void> {
  await (await db.open()).delete(store, key);
}

export async function idbClear(store: Store): Promise<void> {
  await (await db.open()).clear(store);
}
