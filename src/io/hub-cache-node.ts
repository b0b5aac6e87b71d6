/**
 * The model store on disk (Node): the Hugging Face cache, in the layout and with the environment
 * variables of Python's huggingface_hub, so both read and fill the same cache:
 *   <cache>/models--<owner>--<name>/blobs/<etag>             the file's bytes
 *   <cache>/models--<owner>--<name>/snapshots/<commit>/<file> a symlink to the blob (a copy where links fail)
 *   <cache>/models--<owner>--<name>/refs/<revision>          the commit the revision pointed at
 *   <cache>/models--<owner>--<name>/.no_exist/<commit>/<file> the file is known to be absent there
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { copyFile, mkdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { COMMIT_HASH, DEFAULT_HUB_URL, normalizeHubUrl } from './hub';
import type { FileAt, ModelStore, StoredFile, WriteInfo } from './model-store';

/** Where the hub is and how to reach it, from the environment huggingface_hub reads. */
export interface HubEnv {
  endpoint: string;
  cacheDir: string;
  offline: boolean;
  token: string | null;
}

const TRUE = new Set(['1', 'on', 'yes', 'true']);

/** huggingface_hub's defaults: HF_HUB_CACHE, else $HF_HOME/hub, HF_HOME defaulting to $XDG_CACHE_HOME/huggingface. */
export function hubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  let endpoint = DEFAULT_HUB_URL;
  if (env.HF_ENDPOINT) {
    try {
      endpoint = normalizeHubUrl(env.HF_ENDPOINT);
    } catch (err) {
      throw new Error(`HF_ENDPOINT: ${(err as Error).message}`);
    }
  }
  return {
    endpoint,
    cacheDir: env.HF_HUB_CACHE || join(home, 'hub'),
    offline: TRUE.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase()),
    token: env.HF_TOKEN?.trim() || null,
  };
}

/** `models--owner--name`, huggingface_hub's folder name for a model repo. */
export function repoFolder(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`);
}

export function snapshotPath(cacheDir: string, repo: string, commit: string, file: string): string {
  return join(repoFolder(cacheDir, repo), 'snapshots', commit, ...file.split('/'));
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/** The commit `revision` names in the cache: itself when it is one, else what refs/<revision> holds. */
export async function cachedCommit(cacheDir: string, repo: string, revision: string): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return revision;
  const text = await readFile(join(repoFolder(cacheDir, repo), 'refs', ...revision.split('/')), 'utf8').catch(
    () => null,
  );
  const commit = text?.trim();
  return commit || null;
}

/** A cached file: its path, `'absent'` when the hub said it does not exist there, else null. */
export async function cachedFile(
  cacheDir: string,
  repo: string,
  commit: string,
  file: string,
): Promise<string | 'absent' | null> {
  const path = snapshotPath(cacheDir, repo, commit, file);
  if (await exists(path)) return path;
  if (await exists(join(repoFolder(cacheDir, repo), '.no_exist', commit, ...file.split('/'))))
    return 'absent';
  return null;
}

/**
 * Links the snapshot entry to its blob (relative, as huggingface_hub does); copies where links fail
 * (Windows without developer mode, some network drives). `link` is replaceable for tests.
 */
export async function linkSnapshot(
  blob: string,
  pointer: string,
  link: (target: string, path: string) => Promise<void> = symlink,
): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  await rm(pointer, { force: true });
  try {
    await link(relative(dirname(pointer), blob), pointer);
  } catch {
    await copyFile(blob, pointer);
  }
}

async function writeRef(cacheDir: string, repo: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const path = join(repoFolder(cacheDir, repo), 'refs', ...revision.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, commit);
}

function hubAt(at: FileAt): Extract<FileAt, { kind: 'hub' }> {
  // The CLI loads hub models and folders on disk only; a folder URL is the app's.
  if (at.kind !== 'hub') throw new Error(`The Hugging Face cache keeps hub files only, not ${at.url}.`);
  return at;
}

function blobPath(cacheDir: string, repo: string, etag: string): string {
  return join(repoFolder(cacheDir, repo), 'blobs', etag);
}

async function storedFile(path: string): Promise<StoredFile> {
  return { blob: await openAsBlob(path), path };
}

/** The commit and blob name a write needs: the hub names both (huggingface_hub refuses a server that does not). */
function blobOf(at: FileAt, info: WriteInfo): { commit: string; etag: string } {
  if (!info.commit || !info.etag)
    throw new Error(`The hub did not name the commit and ETag of ${at.file} (X-Repo-Commit, ETag).`);
  return { commit: info.commit, etag: info.etag };
}

/** The Hugging Face cache under `cacheDir` as the model loader's store. */
export function hfCacheStore(cacheDir: string): ModelStore {
  const pointerOf = async (at: FileAt): Promise<string | null> => {
    const { repo, revision, file } = hubAt(at);
    const commit = await cachedCommit(cacheDir, repo, revision);
    return commit ? snapshotPath(cacheDir, repo, commit, file) : null;
  };
  return {
    // The CLI opens the files by path afterwards: a file that could not be written is an error.
    mustKeep: true,
    whereIs: (repo) => repoFolder(cacheDir, repo),
    readRef: (repo, revision) => cachedCommit(cacheDir, repo, revision),
    writeRef: (repo, revision, commit) => writeRef(cacheDir, repo, revision, commit),
    async read(at) {
      const { repo, revision, file } = hubAt(at);
      const commit = await cachedCommit(cacheDir, repo, revision);
      const hit = commit ? await cachedFile(cacheDir, repo, commit, file) : null;
      return hit === null || hit === 'absent' ? hit : storedFile(hit);
    },
    /** Streams into `<blob>.incomplete`, then renames it and links the snapshot: a broken download leaves no blob. */
    async write(at, body, info) {
      const { repo, revision, file } = hubAt(at);
      const { commit, etag } = blobOf(at, info);
      await writeRef(cacheDir, repo, revision, commit);
      const blob = blobPath(cacheDir, repo, etag);
      const partial = `${blob}.incomplete`;
      await mkdir(dirname(blob), { recursive: true });
      try {
        await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), createWriteStream(partial));
      } catch (err) {
        await rm(partial, { force: true });
        throw err;
      }
      await rename(partial, blob);
      await linkSnapshot(blob, snapshotPath(cacheDir, repo, commit, file));
    },
    async remove(at) {
      const pointer = await pointerOf(at);
      if (!pointer) return;
      const blob = await realpath(pointer).catch(() => null);
      await rm(pointer, { force: true });
      if (blob) await rm(blob, { force: true });
    },
    async markAbsent(at, commit) {
      await writeRef(cacheDir, at.repo, at.revision, commit);
      const marker = join(repoFolder(cacheDir, at.repo), '.no_exist', commit, ...at.file.split('/'));
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, '');
    },
    /** The snapshot entry, or the blob another commit already downloaded, linked into this commit. */
    async adopt(at, info) {
      const { repo, revision, file } = hubAt(at);
      if (!info.commit) return null;
      await writeRef(cacheDir, repo, revision, info.commit);
      const hit = await cachedFile(cacheDir, repo, info.commit, file);
      if (typeof hit === 'string' && hit !== 'absent') return storedFile(hit);
      if (!info.etag || !(await exists(blobPath(cacheDir, repo, info.etag)))) return null;
      const pointer = snapshotPath(cacheDir, repo, info.commit, file);
      await linkSnapshot(blobPath(cacheDir, repo, info.etag), pointer);
      return storedFile(pointer);
    },
    // The snapshot folder is the record: files are found one by one under their commit.
    records: null,
  };
}
