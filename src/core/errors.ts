/**
 * The one error vocabulary shared by core, model, io, engine, worker, CLI and app. comlink carries only an
 * error's `name` and `message` across the worker boundary, so every kind here sets `name` and is
 * recognised by name (`isAbortError`, …), never by `instanceof` alone.
 */

const ABORT_ERROR = 'AbortError';
const OUT_OF_MEMORY_ERROR = 'OutOfMemoryError';
const ENGINE_FATAL_ERROR = 'EngineFatalError';

/** The message of anything thrown, for a user-facing line. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** True when `err` (an Error, a DOMException or a cloned error) carries `name`. */
export function hasErrorName(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;
}

/** A cancelled operation; the same name as the DOM's AbortError, so fetch aborts match too. */
export function abortError(message = 'Cancelled'): Error {
  const err = new Error(message);
  err.name = ABORT_ERROR;
  return err;
}

export function isAbortError(err: unknown): boolean {
  return hasErrorName(err, ABORT_ERROR);
}

/** Memory ran out (a buffer could not be allocated, onnxruntime failed to allocate). */
export class OutOfMemoryError extends Error {
  override name = OUT_OF_MEMORY_ERROR;
}

export function isOutOfMemoryError(err: unknown): boolean {
  return hasErrorName(err, OUT_OF_MEMORY_ERROR);
}

/** The engine is unusable (wasm abort, lost GPU device, …): whoever holds it must start a new one. */
export class EngineFatalError extends Error {
  override name = ENGINE_FATAL_ERROR;
}

export function isEngineFatalError(err: unknown): boolean {
  return hasErrorName(err, ENGINE_FATAL_ERROR);
}
