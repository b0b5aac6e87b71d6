/** Sorts engine failures into the shared error kinds before they cross the worker boundary. */
import {
  EngineFatalError,
  errorText,
  hasErrorName,
  isAbortError,
  OutOfMemoryError,
} from '../src/core/errors';

const OOM =
  /out of memory|Array buffer allocation failed|allocation failed|Cannot enlarge memory|memory access out of bounds|RangeError: .*(Array buffer|length)|bad_alloc|OrtMalloc/i;
const FATAL = /Aborted\(|RuntimeError|unreachable|device (was )?lost|GPUDevice.*(lost|destroyed)/i;

/**
 * Out-of-memory and wasm/GPU aborts leave onnxruntime in an unknown state, so they are reported as fatal
 * (restart) with a message a user can act on; cancellations and undecodable images pass unchanged.
 */
export function classifyEngineError(err: unknown, what: string): Error {
  if (isAbortError(err) || hasErrorName(err, 'ImageDecodeError')) return err as Error;
  const msg = errorText(err);
  if (err instanceof RangeError || OOM.test(msg)) {
    return new OutOfMemoryError(
      `Out of memory while ${what}: ${msg}. Close other tabs, use the WASM backend or a smaller model.`,
    );
  }
  if (FATAL.test(msg)) return new EngineFatalError(`The inference engine stopped while ${what}: ${msg}`);
  return err instanceof Error ? err : new Error(msg);
}
