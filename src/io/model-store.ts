/**
 * Where the model loader (model-loader.ts) keeps what it downloads: one interface, two backends, as
 * the feature store has. Node: the Hugging Face cache on disk (hub-cache-node.ts, huggingface_hub's
 * layout, so Python and the CLI share it); the browser: Cache Storage (model-cache.ts). A store only
 * keeps bytes; what to fetch, in which order, and the checks are the loader's.
 */

/**
 * One file's place. A hub file's `revision` is the commit it was fetched at, or a branch for a file
 * kept under its branch (the shared CLIP tokenizer, or a mirror that names no commit).
 */
export type FileAt =
  | { kind: 'hub'; repo: string; revision: string; file: string }
  | { kind: 'url'; url: string; file: string };

/** A stored file: its bytes as a Blob read on demand, and its path where it is a file on disk (Node). */
export interface StoredFile {
  blob: Blob;
  path: string | null;
}

/** What the server said of a file being written. */
export interface WriteInfo {
  /** Bytes expected (0 when unknown). */
  bytes: number;
  contentType: string;
  /** The blob name huggingface_hub would give it (the hub's ETag), when known. */
  etag: string | null;
  /** The commit the hub served it from, when named. */
  commit: string | null;
}

export type ModelRole = 'config' | 'weights' | 'tokenizer';

/** A stored model, complete: where its three files are and how many bytes each had when saved. */
export interface StoredModel {
  commit: string | null;
  files: Record<ModelRole, { file: StoredFile; bytes: number }>;
}

/** A model source as the store's records name it (a hub repo at a commit, or a folder URL). */
export type StoredSource = { kind: 'hub'; repo: string; commit?: string } | { kind: 'url'; baseUrl: string };

/**
 * Records of whole models, for sources whose files cannot be found one by one (a folder URL names no
 * commit) and for the app's list of cached models.
 */
export interface ModelRecords {
  find(source: StoredSource): Promise<StoredModel | null>;
  /** The model `revision` last resolved to, without asking the hub. */
  findHub(repo: string, revision: string): Promise<StoredModel | null>;
  save(
    source: StoredSource,
    label: string,
    files: Record<ModelRole, { at: FileAt; bytes: number }>,
  ): Promise<void>;
}

export interface ModelStore {
  /**
   * True when the caller reads the files from the store afterwards (the CLI opens paths): a failed
   * write is then an error. Otherwise it is a warning and the bytes are kept in memory.
   */
  readonly mustKeep: boolean;
  /** Where a repo's files are kept, for messages. */
  whereIs(repo: string): string;
  /** The commit `revision` last resolved to (itself when it is a commit), or null. */
  readRef(repo: string, revision: string): Promise<string | null>;
  writeRef(repo: string, revision: string, commit: string): Promise<void>;
  /** The file, `'absent'` when the hub said it does not exist there, or null when not stored. */
  read(at: FileAt): Promise<StoredFile | 'absent' | null>;
  /** Stores `body` as it streams; nothing is kept unless the stream completes. */
  write(at: FileAt, body: ReadableStream<Uint8Array>, info: WriteInfo): Promise<void>;
  /** Drops a stored copy that failed a check, so no later load reads it. */
  remove(at: FileAt): Promise<void>;
  /** Remembers that the hub has no such file at `commit` (huggingface_hub's .no_exist). */
  markAbsent(at: Extract<FileAt, { kind: 'hub' }>, commit: string): Promise<void>;
  /** The same bytes stored already under this ETag (another commit's identical file), linked at `at`. */
  adopt(at: FileAt, info: WriteInfo): Promise<StoredFile | null>;
  /** Whole-model records, where the store keeps them. */
  readonly records: ModelRecords | null;
}
