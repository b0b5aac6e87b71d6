/**
 * The model loader, for the CLI and the app alike: resolves a hub revision to its commit (or, offline,
 * the commit it last resolved to), takes what the store holds, downloads the rest with progress and
 * cancellation, checks the bytes as they arrive (config and tokenizer parse, safetensors header and
 * size), writes them to the store, and returns the files. Where bytes are kept is a `ModelStore`
 * (Node: the Hugging Face cache on disk; the browser: Cache Storage); how they are asked for is a
 * `ModelRemote`. The config comes first, so a wrong repo fails before the weights download starts;
 * every file comes from the one commit the revision resolved to.
 */
import { CONFIG_FILE, type ModelFiles, TOKENIZER_FILE, WEIGHTS_FILE } from '../model/file-names';
import { parseConfigFile, parseTokenizerFile } from './check-model-bytes';
import { COMMIT_HASH, DEFAULT_REVISION, HubError } from './hub';
import { type RemoteSource, splitRuleFor } from './model-fetch-read';
import {
  getJson,
  getWeights,
  hubLocation,
  type LoaderContext,
  type Location,
  loadSharedTokenizer,
  notStored,
  OfflineMiss,
  readStored,
  storedWeights,
} from './model-loader-files';
import type { ModelRole, StoredFile, StoredModel, StoredSource } from './model-store';

export { type LoaderContext, loadSharedTokenizer } from './model-loader-files';

export interface LoadedModel {
  files: ModelFiles;
  /** tokenizer.json's bytes, checked as `files.tokenizer` was parsed (what the app hands its worker). */
  tokenizerBytes: Uint8Array;
  /** The stored copies read or written (always all three where the store must keep them: Node's paths). */
  stored: Record<ModelRole, StoredFile | null>;
  commit: string | null;
  /** Every file came from the store. */
  fromStore: boolean;
  /** Why the store did not keep the model (the next load downloads again), or null. */
  storeError: string | null;
}

/** A failure that means "no network now", after which a stored copy may still serve. */
function isUnreachable(err: unknown): boolean {
  return (
    err instanceof HubError && (err.kind === 'offline' || err.kind === 'unreachable' || err.kind === 'cors')
  );
}

/**
 * The commit to load and, where the store keeps records, the stored model of that commit. A pinned
 * commit needs no request; offline, a branch is the commit it last resolved to.
 */
async function resolveHub(
  ctx: LoaderContext,
  repo: string,
  revision: string,
): Promise<{ commit: string | null; record: StoredModel | null; ctx: LoaderContext }> {
  const { store } = ctx;
  const records = store?.records ?? null;
  const recordOf = async (commit: string | null) =>
    commit && records ? records.find({ kind: 'hub', repo, commit }) : null;
  if (COMMIT_HASH.test(revision)) return { commit: revision, record: await recordOf(revision), ctx };
  if (ctx.offline === 'always') {
    const commit = store ? await store.readRef(repo, revision) : null;
    if (!commit) throw await notStored(ctx, { kind: 'hub', repo, revision, file: CONFIG_FILE });
    return { commit, record: await recordOf(commit), ctx };
  }
  let commit: string | null;
  try {
    commit = await ctx.remote.resolve(repo, revision, CONFIG_FILE, ctx.signal);
  } catch (err) {
    if (!(ctx.offline === 'when-unreachable' && isUnreachable(err) && store)) throw err;
    // The whole model as recorded, else (a store without records) its files one by one under the last commit.
    const record = records ? await records.findHub(repo, revision) : null;
    if (record) return { commit: record.commit, record, ctx };
    const last = records ? null : await store.readRef(repo, revision);
    if (!last) throw err;
    return { commit: last, record: null, ctx: { ...ctx, offline: 'always', unreachable: err as Error } };
  }
  if (store && commit) await store.writeRef(repo, revision, commit).catch(() => undefined);
  return { commit, record: await recordOf(commit), ctx };
}

async function fromRecord(ctx: LoaderContext, record: StoredModel): Promise<LoadedModel> {
  const { config, tokenizer, weights } = record.files;
  const configBytes = await readStored(ctx, config.file, CONFIG_FILE);
  const tokenizerBytes = await readStored(ctx, tokenizer.file, TOKENIZER_FILE);
  const parsed = parseConfigFile(configBytes, CONFIG_FILE);
  const tok = parseTokenizerFile(tokenizerBytes, TOKENIZER_FILE);
  const onDisk = await storedWeights(ctx, weights.file, WEIGHTS_FILE, weights.bytes);
  return {
    files: {
      config: parsed.raw,
      tokenizer: tok,
      ...onDisk,
      ...(record.commit ? { commit: record.commit } : {}),
    },
    tokenizerBytes,
    stored: { config: config.file, tokenizer: tokenizer.file, weights: weights.file },
    commit: record.commit,
    fromStore: true,
    storeError: null,
  };
}

function storedSource(source: RemoteSource, commit: string | null): StoredSource {
  if (source.kind === 'url') return { kind: 'url', baseUrl: source.baseUrl };
  return commit ? { kind: 'hub', repo: source.repo, commit } : { kind: 'hub', repo: source.repo };
}

/** Where each file of the source lives; `commit` null: the server named none (a folder, a plain mirror). */
function locations(ctx: LoaderContext, source: RemoteSource, commit: string | null) {
  const at = (file: string): Location => {
    if (source.kind === 'hub') {
      const revision = commit ?? source.revision ?? DEFAULT_REVISION;
      return hubLocation(ctx, source.repo, revision, file, commit !== null);
    }
    const url = `${source.baseUrl.replace(/\/+$/, '')}/${file}`;
    return { at: { kind: 'url', url, file }, url, label: file, lookup: false };
  };
  return { config: at(CONFIG_FILE), weights: at(WEIGHTS_FILE), tokenizer: at(TOKENIZER_FILE) };
}

/** The model's own tokenizer, else the shared one (decided per model; a record keeps the choice). */
async function getTokenizer(ctx: LoaderContext, own: Location) {
  try {
    const got = await getJson(ctx, own);
    if (got) return { ...got, at: own.at };
  } catch (err) {
    // Offline, a cache filled by Python holds only the files asked for: a missing one means "use the shared".
    if (!(err instanceof OfflineMiss)) throw err;
  }
  return loadSharedTokenizer(ctx);
}

/** Loads a hub or folder-URL model through the store. */
export async function loadRemoteModel(source: RemoteSource, context: LoaderContext): Promise<LoadedModel> {
  const asked = source.kind === 'hub' ? (source.revision ?? DEFAULT_REVISION) : '';
  const { commit, record, ctx } =
    source.kind === 'hub'
      ? await resolveHub(context, source.repo, asked)
      : {
          commit: null,
          record: (await context.store?.records?.find(storedSource(source, null))) ?? null,
          ctx: context,
        };
  if (record) return fromRecord(ctx, record);

  const loc = locations(ctx, source, commit);
  const required = async <T>(loc: Location, get: () => Promise<T | null>): Promise<T> => {
    let got: T | null;
    try {
      got = await get();
    } catch (err) {
      if (err instanceof OfflineMiss) throw await notStored(ctx, loc.at);
      throw err;
    }
    if (got === null) throw ctx.remote.missingError(loc.url, loc.at, asked, ctx.offline === 'always');
    return got;
  };
  const config = await required(loc.config, () => getJson(ctx, loc.config));
  const parsedConfig = parseConfigFile(config.bytes, CONFIG_FILE);
  const tokenizer = await getTokenizer(ctx, loc.tokenizer);
  const parsedTokenizer = parseTokenizerFile(tokenizer.bytes, TOKENIZER_FILE);
  const weights = await required(loc.weights, () =>
    getWeights(ctx, loc.weights, splitRuleFor(parsedConfig.raw)),
  );

  const storeError = config.storeError ?? tokenizer.storeError ?? weights.got.storeError;
  const records = ctx.store?.records;
  if (records && !storeError) {
    await records.save(
      storedSource(source, commit),
      // Two commits of one repo stay apart in the list of stored models.
      commit ? `${source.label} @ ${commit.slice(0, 7)}` : source.label,
      {
        config: { at: loc.config.at, bytes: config.bytesStored },
        tokenizer: { at: tokenizer.at, bytes: tokenizer.bytesStored },
        weights: { at: loc.weights.at, bytes: weights.got.bytesStored },
      },
    );
  }
  return {
    files: {
      config: parsedConfig.raw,
      tokenizer: parsedTokenizer,
      ...weights.weights,
      ...(commit ? { commit } : {}),
    },
    tokenizerBytes: tokenizer.bytes,
    stored: { config: config.stored, tokenizer: tokenizer.stored, weights: weights.got.stored },
    commit,
    fromStore: config.fromStore && tokenizer.fromStore && weights.got.fromStore,
    storeError,
  };
}
