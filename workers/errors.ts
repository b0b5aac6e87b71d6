/** Error names that cross the worker boundary (comlink keeps `name` and `message`). */

export function abortError(message = 'Cancelled'): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}

/** The engine is unusable (wasm abort, lost GPU device, …): the client must restart the worker. */
export function fatalError(message: string): Error {
  const err = new Error(message);
  err.name = 'EngineFatalError';
  return err;
}

export function outOfMemoryError(message: string): Error {
  const err = new Error(message);
  err.name = 'OutOfMemoryError';
  return err;
}

const OOM =
  /out of memory|Array buffer allocation failed|allocation failed|Cannot enlarge memory|memory access out of bounds|RangeError: .*(Array buffer|length)|bad_alloc|OrtMalloc/i;
const FATAL = /Aborted\(|RuntimeError|unreachable|device (was )?lost|GPUDevice.*(lost|destroyed)/i;

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * Sorts an engine failure: out-of-memory and wasm/GPU aborts leave onnxruntime in an unknown state, so
 * they are reported as fatal (restart) with a message a user can act on.
 */
export function classifyEngineError(err: unknown, what: string): Error {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'ImageDecodeError')) return err;
  const msg = errorText(err);
  if (err instanceof RangeError || OOM.test(msg)) {
    return outOfMemoryError(
      `Out of memory while ${what}: ${msg}. Close other tabs, use the WASM backend or a smaller model.`,
    );
  }
  if (FATAL.test(msg)) return fatalError(`The inference engine stopped while ${what}: ${msg}`);
  return err instanceof Error ? err : new Error(msg);
}
