/**
 * Hugging Face hub access: URL layout, streaming downloads with progress that also write to the model
 * cache, and failures sorted into messages a user can act on (offline, 404, gated, CORS, …).
 */
export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** OpenCLIP repos on the hub often lack tokenizer.json; every CLIP model shares this one. */
export const DEFAULT_TOKENIZER_REPO = 'openai/clip-vit-base-patch32';

export type HubErrorKind =
  | 'offline'
  | 'not-found'
  | 'unauthorized'
  | 'cors'
  | 'unreachable'
  | 'http'
  | 'aborted';

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Validates and normalises a hub base URL (no trailing slash). */
export function normalizeHubUrl(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`"${input}" is not a URL (expected e.g. ${DEFAULT_HUB_URL})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`The hub URL must use http(s): ${input}`);
  return trimmed;
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export function isRepoId(value: string): boolean {
  return REPO_ID.test(value.trim());
}

export function hubFileUrl(hub: string, repo: string, file: string, revision = 'main'): string {
  return `${hub.replace(/\/+$/, '')}/${repo}/resolve/${revision}/${file}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Tells a CORS refusal from an unreachable server: a no-cors request to the same URL succeeds (opaque)
 * when the server answers but does not allow this origin.
 */
async function diagnoseFetchFailure(url: string, signal?: AbortSignal): Promise<HubError> {
  const host = hostOf(url);
  if (typeof navigator !== 'undefined' && navigator.onLine === false) {
    return new HubError(
      'offline',
      `You are offline: cannot reach ${host}. Load a cached model or local files.`,
      url,
    );
  }
  try {
    await fetch(url, { mode: 'no-cors', signal, cache: 'no-store' });
    return new HubError(
      'cors',
      `${host} answered but does not allow this page to read ${url} (CORS). A mirror must send Access-Control-Allow-Origin.`,
      url,
    );
  } catch {
    return new HubError(
      'unreachable',
      `Cannot reach ${host} (network down, server stopped or blocked). Check the hub URL or load local files.`,
      url,
    );
  }
}

function httpError(url: string, status: number, statusText: string, file: string): HubError {
  if (status === 404) {
    return new HubError(
      'not-found',
      `Not found (404): ${file} at ${url}. Check the repo id and hub URL.`,
      url,
      status,
    );
  }
  if (status === 401 || status === 403) {
    return new HubError(
      'unauthorized',
      `Access denied (${status}) to ${url}: the repo is private or gated. Download the files and load them locally.`,
      url,
      status,
    );
  }
  return new HubError('http', `The server answered ${status} ${statusText} for ${url}.`, url, status);
}

/** GETs a file, turning every failure into a HubError. */
export async function openUrl(url: string, file: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal, mode: 'cors', credentials: 'omit' });
  } catch {
    if (signal?.aborted) throw new HubError('aborted', 'Cancelled', url);
    throw await diagnoseFetchFailure(url, signal);
  }
  if (!res.ok) throw httpError(url, res.status, res.statusText, file);
  return res;
}

export function contentLength(res: Response): number {
  // A compressed body's Content-Length is not the decoded size; ByteSink grows if needed.
  const n = Number(res.headers.get('content-length'));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Collects a byte stream into one buffer. With the size known up front it writes into a single
 * pre-sized ArrayBuffer (no second copy of a large model); otherwise it grows geometrically.
 * The result is a view, so handing its buffer to a worker transfers it without copying.
 */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
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

export class ByteSink {
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

export interface StreamOptions {
  /** Bytes expected (0 if unknown): sizes the buffer up front. */
  expectedBytes: number;
  /** Label for error messages, e.g. the file name. */
  what: string;
  signal?: AbortSignal;
  onBytes?: (loaded: number) => void;
  /** Called with the bytes so far after each chunk; throw to abort (e.g. a wrong header). */
  inspect?: (soFar: Uint8Array) => void;
  /** Also stream the body into this sink (e.g. Cache Storage); its failure does not fail the read. */
  tee?: (body: ReadableStream<Uint8Array>) => Promise<void>;
}

export interface StreamResult {
  bytes: Uint8Array;
  /** Why the copy to `tee` failed, if it did. */
  teeError: string | null;
}

/**
 * Reads a body into memory once. When `tee` is given, the network is read as fast as the tee consumes
 * (back-pressure), and each chunk lands in memory as it passes; if the tee gives up (quota), the rest is
 * read into memory alone.
 */
export async function readStream(
  body: ReadableStream<Uint8Array>,
  opts: StreamOptions,
): Promise<StreamResult> {
  const sink = new ByteSink(opts.expectedBytes, opts.what);
  const reader = body.getReader();
  let readError: unknown = null;
  const onAbort = () =>
    void reader.cancel(new HubError('aborted', 'Cancelled', opts.what)).catch(() => undefined);
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const pump = async (): Promise<Uint8Array | null> => {
    if (opts.signal?.aborted) throw new HubError('aborted', 'Cancelled', opts.what);
    const { value, done } = await reader.read();
    if (opts.signal?.aborted) throw new HubError('aborted', 'Cancelled', opts.what);
    if (done) return null;
    sink.write(value);
    opts.onBytes?.(sink.size);
    opts.inspect?.(sink.view());
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
        teeError = err instanceof Error ? err.message : String(err);
      }
      if (readError) throw readError;
      if (!finished) while (await pump());
    } else {
      while (await pump());
    }
  } catch (err) {
    if (err instanceof HubError || (err instanceof Error && err.name === 'OutOfMemoryError')) throw err;
    if (opts.signal?.aborted) throw new HubError('aborted', 'Cancelled', opts.what);
    if (err instanceof Error && err.name === 'ModelFileError') throw err;
    throw new HubError(
      'unreachable',
      `The download of ${opts.what} broke off (${err instanceof Error ? err.message : String(err)}). Retry.`,
      opts.what,
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return { bytes: sink.view(), teeError };
}
