/** The three files of an OpenCLIP model folder, as the hub serves them and as local folders hold them. */
export const CONFIG_FILE = 'open_clip_config.json';
export const WEIGHTS_FILE = 'open_clip_model.safetensors';
export const TOKENIZER_FILE = 'tokenizer.json';

/** The three files of a model folder, already read into memory. */
export interface ModelFiles {
  /** Parsed open_clip_config.json. */
  config: unknown;
  /** Raw bytes of open_clip_model.safetensors (empty when `weightParts` holds them). */
  weights: Uint8Array;
  /**
   * The same file as consecutive parts (see src/model/weight-parts.ts), one per graph: the engine takes
   * them (it empties this array) and lets each go once the session that needs it is created.
   */
  weightParts?: Uint8Array[];
  /**
   * Parsed CLIP tokenizer.json (Hugging Face format), or its bytes once checked (`checkClipTokenizer`):
   * the app hands its worker bytes, parsed at the first prompt embedding instead of cloned at the load.
   */
  tokenizer: unknown;
  /**
   * The weights file on disk (Cache Storage, OPFS or a picked file) instead of in memory (`weights` is
   * then empty): the worker reads each tensor from it when a session takes it (src/io/blob-bytes.ts),
   * so the weights are never held in JS. `unreadable` words a read failure, with `{reason}` for the reason.
   */
  weightsOnDisk?: { file: Blob; unreadable: string };
  /** The hub commit the files were taken from (absent for local files and folder URLs). */
  commit?: string;
}

/** Which file each part of `ModelFiles` is read from. */
export const MODEL_FILE_NAMES: Readonly<
  Record<Exclude<keyof ModelFiles, 'weightParts' | 'weightsOnDisk' | 'commit'>, string>
> = {
  config: CONFIG_FILE,
  weights: WEIGHTS_FILE,
  tokenizer: TOKENIZER_FILE,
};
