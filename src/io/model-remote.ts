/**
 * How the model loader asks a server for files: one interface, a transport per platform. The browser's
 * (here) fetches across origins and tells a CORS refusal from an unreachable host; Node's
 * (hub-remote-node.ts) sends HF_TOKEN and learns each file's blob name as huggingface_hub does.
 */

import { etagOf, HubError, httpError, openUrl, repoCommitOf, resolveRevision } from './hub';
import type { FileAt } from './model-store';

/** A file the server has; its body is requested by `open` (at once where the transport needs no HEAD). */
export interface RemoteFile {
  /** The commit the hub served it from, when named. */
  commit: string | null;
  /** The blob name huggingface_hub gives it, when the server named it. */
  etag: string | null;
  /** Its exact size as the server stated it for the bytes sent (0: unknown). */
  size: number;
  open(): Promise<Response>;
}

/** The server has no such file (`commit`: the commit it named while saying so). */
export interface MissingFile {
  missing: true;
  commit: string | null;
}

export interface ModelRemote {
  /** The commit `revision` names on the hub now (null when the server does not say). */
  resolve(repo: string, revision: string, file: string, signal?: AbortSignal): Promise<string | null>;
  file(url: string, at: FileAt, signal?: AbortSignal): Promise<RemoteFile | MissingFile>;
  /** The error for a file the model needs and the server (or, `offline`, the store) lacks. */
  missingError(url: string, at: FileAt, asked: string, offline: boolean): Error;
  /** What to do about a file not stored while the loader may not go online. */
  readonly offlineHint: string;
}

/** The browser's transport to one hub: plain CORS requests, no credentials, failures diagnosed for the page. */
export function browserRemote(hubUrl: string): ModelRemote {
  return {
    resolve: (repo, revision, file, signal) => resolveRevision(hubUrl, repo, revision, file, signal),
    async file(url, at, signal) {
      let res: Response;
      try {
        res = await openUrl(url, at.file, signal);
      } catch (err) {
        if (err instanceof HubError && err.kind === 'not-found') return { missing: true, commit: null };
        throw err;
      }
      // A compressed body's Content-Length is not the size of the bytes read: no exact size here.
      return { commit: repoCommitOf(res), etag: etagOf(res), size: 0, open: async () => res };
    },
    missingError: (url, at) => httpError(url, 404, 'Not Found', at.file),
    offlineHint: 'load it once online',
  };
}
