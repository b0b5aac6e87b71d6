/**
 * Reads a byte stream (a download, a cached response, a local File) into one buffer with progress,
 * cancellation and an optional tee. It knows nothing of where the bytes come from: a failure of the
 * stream itself is a StreamReadError, which each caller words for its source (download, cache, file).
 */
import { abortError, errorText, OutOfMemoryError } from '../core/errors';
import { PartsSink, type SplitRule } from './parts-sink';

export class StreamReadError extends Error {
  override name = 'StreamReadError';
  constructor(
    /** The label the caller gave (e.g. the file name). */
    readonly what: string,
    /** Why the stream failed, as a message. */
    readonly reason: string,
  ) {
    super(`${what} could not be read (${reason})`);
  }
}

function allocate(bytes: number, what: string): Uint8Array {
  try {
    return new Uint8Array(bytes);
  } catch {
    throw new OutOfMemoryError(
      `Not enough memory to hold ${what} (${(bytes / 1e6).toFixed(0)} MB). Close other tabs or pick a smaller model.`,
    );
  }
}

/**
 * Collects chunks into one buffer. With the size known up front it writes into a single pre-sized
 * ArrayBuffer (no second copy of a large model); otherwise it grows geometrically. The result is a
 * view, so handing its buffer to a worker transfers it without copying.
 */
class ByteSink {
  private buf: Uint8Array;
  private length = 0;

  constructor(
    expectedBytes: number,
    private readonly what: string,
  ) {
    this.buf = allocate(expectedBytes > 0 ? expectedBytes : 1 << 20, what);
  }

  get size(): number {
    return this.length;
  }

  write(chunk: Uint8Array): void {
    const need = this.length + chunk.byteLength;
    if (need > this.buf.byteLength) {
      // Servers may send compressed or unsized bodies: grow, then keep only the bytes written.
      const next = allocate(Math.max(need, Math.ceil(this.buf.byteLength * 1.5)), this.what);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(chunk, this.length);
    this.length = need;
  }

  /** The bytes so far, as a view (no copy). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Keeps only the first `limit` bytes in memory (the body went to the tee), counting them all. */
class HeadSink {
  private readonly head: ByteSink;
  private length = 0;
  constructor(
    private readonly limit: number,
    what: string,
  ) {
    this.head = new ByteSink(limit, what);
  }
  get size(): number {
    return this.length;
  }
  write(chunk: Uint8Array): void {
    const room = this.limit - this.head.size;
    if (room > 0) this.head.write(chunk.subarray(0, room));
    this.length += chunk.byteLength;
  }
  view(): Uint8Array {
    return this.head.view();
  }
}

export interface ReadStreamOptions {
  /** Bytes expected (0 if unknown): sizes the buffer up front. */
  expectedBytes: number;
  /** Label for error messages, e.g. the file name. */
  what: string;
  signal?: AbortSignal;
  onBytes?: (loaded: number) => void;
  /** Called with the bytes so far after each chunk; what it throws (e.g. a wrong header) ends the read as is. */
  inspect?: (soFar: Uint8Array) => void;
  /** Also stream the body into this sink (e.g. Cache Storage); its failure does not fail the read. */
  tee?: (body: ReadableStream<Uint8Array>) => Promise<void>;
  /** With a known size: write into parts cut where this says (see parts-sink.ts), returned as `parts`. */
  split?: SplitRule;
  /**
   * With `tee`: keep only the first this many bytes in memory (`bytes`; `size` counts them all), so a
   * download goes to the cache alone. If the tee fails, reading stops there (the caller reads again).
   */
  keepOnly?: number;
}

export interface ReadStreamResult {
  /** The bytes (empty when they were read into `parts`). */
  bytes: Uint8Array;
  /** With `split`: the file as consecutive parts. */
  parts?: Uint8Array[];
  /** Why the copy to `tee` failed, if it did. */
  teeError: string | null;
  /** Bytes read (with `keepOnly`, more than `bytes` holds). */
  size: number;
}

const BYOB_CHUNK = 1 << 18;

/**
 * The body's reader. Passing it on (`byob`: the bytes only pass through, to the tee), a byte stream is
 * read into buffers made here: chunks the browser allocates for a default reader are only freed by a
 * full garbage collection, so a 0.8 GB download would stay in memory a while after it went to disk.
 */
function chunkReader(body: ReadableStream<Uint8Array>, byob: boolean) {
  if (byob) {
    try {
      const r = body.getReader({ mode: 'byob' });
      return {
        read: () => r.read(new Uint8Array(BYOB_CHUNK)),
        cancel: (reason?: unknown) => r.cancel(reason),
      };
    } catch {
      // Not a byte stream: read it as chunks.
    }
  }
  return body.getReader();
}

/** Marks errors that must reach the caller unchanged (not re-worded as a stream failure). */
class Passthrough {
  constructor(readonly error: unknown) {}
}

/**
 * Reads a body into memory once. When `tee` is given, the source is read as fast as the tee consumes
 * (back-pressure), and each chunk lands in memory as it passes; if the tee gives up (quota), the rest is
 * read into memory alone. Throws an AbortError when cancelled, OutOfMemoryError, what `inspect` threw,
 * or StreamReadError.
 */
export async function readStream(
  body: ReadableStream<Uint8Array>,
  opts: ReadStreamOptions,
): Promise<ReadStreamResult> {
  const sink =
    opts.keepOnly !== undefined && opts.tee
      ? new HeadSink(opts.keepOnly, opts.what)
      : opts.split && opts.expectedBytes > 0
        ? new PartsSink(opts.expectedBytes, opts.what, opts.split)
        : new ByteSink(opts.expectedBytes, opts.what);
  const reader = chunkReader(body, sink instanceof HeadSink);
  let readError: unknown = null;
  const onAbort = () => void reader.cancel(abortError()).catch(() => undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const pump = async (): Promise<Uint8Array | null> => {
    if (opts.signal?.aborted) throw new Passthrough(abortError());
    const { value, done } = await reader.read();
    if (opts.signal?.aborted) throw new Passthrough(abortError());
    if (done) return null;
    try {
      sink.write(value);
      opts.onBytes?.(sink.size);
      opts.inspect?.(sink.view());
    } catch (err) {
      throw new Passthrough(err);
    }
    return value;
  };

  let teeError: string | null = null;
  try {
    if (opts.tee) {
      let finished = false;
      const teeBody = new ReadableStream<Uint8Array>({
        async pull(ctrl) {
          try {
            const chunk = await pump();
            if (chunk) ctrl.enqueue(chunk);
            else {
              finished = true;
              ctrl.close();
            }
          } catch (err) {
            readError = err;
            ctrl.error(err);
          }
        },
      });
      try {
        await opts.tee(teeBody);
      } catch (err) {
        if (readError) throw readError;
        teeError = errorText(err);
      }
      if (readError) throw readError;
      if (!finished && sink instanceof HeadSink && teeError) await reader.cancel().catch(() => undefined);
      else if (!finished) while (await pump());
    } else {
      while (await pump());
    }
  } catch (err) {
    if (err instanceof Passthrough) throw err.error;
    if (opts.signal?.aborted) throw abortError();
    throw new StreamReadError(opts.what, errorText(err));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (sink instanceof PartsSink)
    return { bytes: new Uint8Array(0), parts: sink.result(), teeError, size: sink.size };
  return { bytes: sink.view(), teeError, size: sink.size };
}
