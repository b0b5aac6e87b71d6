/**
 * A weights file on disk (a Blob from Cache Storage, OPFS or a picked File) that looks like bytes in
 * memory but reads each range only when asked, synchronously (FileReaderSync: dedicated workers only).
 *
 * Why: onnxruntime-web copies each initializer out of the external-data buffer it is given with
 * `data.subarray(offset, offset + length)`. Given this view, it reads the file a window at a time
 * (READ_WINDOW_BYTES, or one larger tensor) straight into its heap, so the weights are never held in JS
 * while the sessions are created (the peak drops by the size of the weights). Everything else that
 * reads weights (header parse, finite check, fingerprint) goes through `subarray` too; `buffer` is
 * empty and must not be used.
 */
import { errorText } from '../core/errors';
import type { ModelFiles } from '../model/file-names';

/** FileReaderSync (worker-only; not in the DOM library types). */
interface SyncReader {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}
const SyncReaderClass = (globalThis as { FileReaderSync?: new () => SyncReader }).FileReaderSync;

/**
 * Bytes read from disk at once (a range, when larger): a read of a file costs milliseconds whatever its
 * size, and a model has hundreds of tensors, most of them small and next to each other in the file.
 */
export const READ_WINDOW_BYTES = 16 * 1024 * 1024;

export class BlobBytes extends Uint8Array<ArrayBuffer> {
  static get [Symbol.species]() {
    return Uint8Array;
  }
  /** The first read failure, so the caller can word it (onnxruntime only reports a code). */
  failure: Error | null = null;
  /** The last read: bytes [lastBegin, lastBegin + last.byteLength) of the file. */
  private last: ArrayBuffer | null = null;
  private lastBegin = 0;

  /**
   * `readRange` returns bytes [begin, end) of a file of `size` bytes, synchronously; `unreadable` words
   * a read failure (`{reason}` in it), see `readError`.
   */
  constructor(
    private readonly size: number,
    private readonly readRange: (begin: number, end: number) => ArrayBuffer,
    private readonly unreadable = 'The weights could not be read from disk ({reason}).',
    private readonly window = READ_WINDOW_BYTES,
  ) {
    super(new ArrayBuffer(0));
  }

  /** A Blob read with FileReaderSync (dedicated workers only). */
  static fromBlob(blob: Blob, unreadable?: string): BlobBytes {
    if (!SyncReaderClass) throw new Error('internal: BlobBytes needs FileReaderSync (a dedicated worker)');
    const reader = new SyncReaderClass();
    return new BlobBytes(
      blob.size,
      (begin, end) => reader.readAsArrayBuffer(blob.slice(begin, end)),
      unreadable,
    );
  }

  /** The first read failure in this file's words (onnxruntime's own error says only a code), or null. */
  readError(): Error | null {
    return this.failure && new Error(this.unreadable.replace('{reason}', errorText(this.failure)));
  }

  override get byteLength(): number {
    return this.size;
  }
  override get length(): number {
    return this.size;
  }

  /**
   * Bytes [begin, end), from the last read when it holds them, else read from disk with what follows
   * them up to the read window. The bytes are valid until the next read: each read frees the one
   * before (callers copy at once — onnxruntime into its heap, the checks scan and drop), since reads
   * inside one synchronous session creation would otherwise pile up until a garbage collection.
   */
  override subarray(begin = 0, end = this.size): Uint8Array<ArrayBuffer> {
    const held = this.last;
    if (held && begin >= this.lastBegin && end <= this.lastBegin + held.byteLength)
      return new Uint8Array(held, begin - this.lastBegin, end - begin);
    this.dropLastRead();
    try {
      const buf = this.readRange(begin, Math.min(this.size, Math.max(end, begin + this.window)));
      this.last = buf;
      this.lastBegin = begin;
      return new Uint8Array(buf, 0, Math.max(0, Math.min(end - begin, buf.byteLength)));
    } catch (err) {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  /** Frees the last read's buffer now (after the sessions are created). */
  dropLastRead(): void {
    const buf = this.last as (ArrayBuffer & { transfer?: (n: number) => ArrayBuffer }) | null;
    this.last = null;
    if (!buf || buf.byteLength === 0) return;
    if (typeof MessageChannel === 'function') {
      // Posted, with transfer, to a port whose peer is closed: the browser drops the message and its
      // memory at once. A buffer the browser made (FileReaderSync's) otherwise lives until a full
      // garbage collection, even when detached from script.
      const ch = new MessageChannel();
      ch.port2.close();
      ch.port1.postMessage(buf, [buf]);
      ch.port1.close();
    } else if (typeof buf.transfer === 'function') buf.transfer(0);
    else structuredClone(buf, { transfer: [buf] });
  }

  /** A copy that stays valid (unlike subarray's bytes). */
  override slice(begin = 0, end = this.size): Uint8Array<ArrayBuffer> {
    return this.subarray(begin, end).slice();
  }
}

/** True where a Blob can be read synchronously (a dedicated worker). */
function canReadBlobsSync(): boolean {
  return typeof SyncReaderClass === 'function';
}

/**
 * `files` with its on-disk weights opened for reading on demand; where a Blob cannot be read
 * synchronously (not a dedicated worker) they are read into memory instead.
 */
export async function openDiskWeights(
  files: ModelFiles,
): Promise<{ files: ModelFiles; disk: BlobBytes | null }> {
  const onDisk = files.weightsOnDisk;
  if (!onDisk) return { files, disk: null };
  const rest = { ...files, weightParts: undefined, weightsOnDisk: undefined };
  if (canReadBlobsSync()) {
    const disk = BlobBytes.fromBlob(onDisk.file, onDisk.unreadable);
    return { files: { ...rest, weights: disk }, disk };
  }
  try {
    return { files: { ...rest, weights: new Uint8Array(await onDisk.file.arrayBuffer()) }, disk: null };
  } catch (err) {
    throw new Error(onDisk.unreadable.replace('{reason}', errorText(err)));
  }
}
