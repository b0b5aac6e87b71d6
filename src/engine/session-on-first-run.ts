/**
 * A session created by its first run instead of up front: the text encoder's, after a reload, when every
 * prompt embedding comes from storage and a ready model need not wait for it. Concurrent first runs
 * share one creation; a failed creation is tried again by the next run.
 */
import type { GraphSession } from './runtime';

export interface SessionOnFirstRun extends GraphSession {
  /** Whether the session exists (it was run at least once, successfully created). */
  readonly created: boolean;
}

export function sessionOnFirstRun(create: () => Promise<GraphSession>): SessionOnFirstRun {
  let make: (() => Promise<GraphSession>) | null = create;
  let session: Promise<GraphSession> | null = null;
  let created = false;
  const open = (): Promise<GraphSession> => {
    if (!make) return Promise.reject(new Error('The session was released'));
    if (!session) {
      session = make().then(
        (s) => {
          created = true;
          return s;
        },
        (err) => {
          session = null;
          throw err;
        },
      );
    }
    return session;
  };
  return {
    get created() {
      return created;
    },
    async run(feeds, fetch) {
      return (await open()).run(feeds, fetch);
    },
    async release() {
      // What `make` holds (the weights it builds from) goes with it.
      make = null;
      const pending = session;
      session = null;
      const s = await pending?.catch(() => null);
      await s?.release();
    },
  };
}
