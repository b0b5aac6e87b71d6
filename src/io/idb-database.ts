/**
 * The one way the app and its worker open an IndexedDB database (on the `idb` library): a database is
 * a name, a typed schema and an ordered list of upgrade steps. Step `i` takes the database from version
 * `i` to `i + 1`, so the version is the number of steps and a database written by any earlier version
 * is brought up to date step by step, inside the upgrade transaction, keeping its records.
 */
import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB, type StoreNames } from 'idb';

export type UpgradeTransaction<S extends DBSchema> = IDBPTransaction<S, StoreNames<S>[], 'versionchange'>;

/** One layout change: creates or alters stores and indexes, and may rewrite records through `tx`. */
export type UpgradeStep<S extends DBSchema> = (db: IDBPDatabase<S>, tx: UpgradeTransaction<S>) => void;

export interface DatabaseSpec<S extends DBSchema> {
  name: string;
  /** `steps[i]` upgrades version i to i + 1; never edit a released step, append a new one. */
  steps: readonly UpgradeStep<S>[];
}

export const BLOCKED_MESSAGE = 'IndexedDB is blocked by another tab of this app';

/** Runs the steps from `oldVersion` up to `newVersion` (the body of `openDB`'s `upgrade`). */
function runUpgradeSteps<S extends DBSchema>(
  steps: readonly UpgradeStep<S>[],
  db: IDBPDatabase<S>,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTransaction<S>,
): void {
  for (let v = oldVersion; v < newVersion; v++) steps[v](db, tx);
}

/** A lazily opened, shared connection to one database. */
export class Database<S extends DBSchema> {
  private conn: Promise<IDBPDatabase<S>> | null = null;

  constructor(readonly spec: DatabaseSpec<S>) {
    if (spec.steps.length === 0) throw new Error(`internal: database ${spec.name} has no layout`);
  }

  get version(): number {
    return this.spec.steps.length;
  }

  /** The open connection; a failed open is forgotten, so the next call tries again. */
  open(): Promise<IDBPDatabase<S>> {
    if (!this.conn) {
      const conn = this.connect();
      this.conn = conn;
      conn.catch(() => {
        if (this.conn === conn) this.conn = null;
      });
    }
    return this.conn;
  }

  /** Closes the connection (tests, or before deleting the database); the next `open` reconnects. */
  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = null;
    if (conn) (await conn.catch(() => null))?.close();
  }

  private connect(): Promise<IDBPDatabase<S>> {
    const { name, steps } = this.spec;
    return new Promise((resolve, reject) => {
      let blocked = false;
      openDB<S>(name, steps.length, {
        upgrade: (db, oldVersion, newVersion, tx) =>
          runUpgradeSteps(steps, db, oldVersion, newVersion ?? steps.length, tx),
        // An older tab holds the database open: say so rather than wait without end.
        blocked: () => {
          blocked = true;
          reject(new Error(BLOCKED_MESSAGE));
        },
        // A newer version opens in another tab: let it upgrade; this tab reconnects (and then fails
        // with the browser's version error, which is true: this page is older than the data).
        blocking: () => void this.close(),
        terminated: () => {
          this.conn = null;
        },
      }).then((db) => {
        if (blocked) db.close();
        else resolve(db);
      }, reject);
    });
  }
}
