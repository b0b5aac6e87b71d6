/**
 * Storage failures (IndexedDB, Cache Storage) in words a user can act on: a full quota, storage that
 * is switched off or missing (private windows, blocked site data), or a database another tab holds.
 */
import { errorText, hasErrorName } from '../../core/errors';

/** What went wrong with the browser's storage, for the middle of a sentence. */
export function describeStorageError(err: unknown): string {
  if (hasErrorName(err, 'QuotaExceededError'))
    return "the browser's storage quota for this site is full (free space or clear the model cache)";
  if (typeof indexedDB === 'undefined' || /indexedDB is not defined/i.test(errorText(err)))
    return 'IndexedDB is not available in this browser window (private mode or site data blocked)';
  if (hasErrorName(err, 'SecurityError') || hasErrorName(err, 'InvalidStateError'))
    return `IndexedDB is switched off here (private mode or site data blocked: ${errorText(err)})`;
  return errorText(err);
}

let warned = false;

/**
 * Whether to tell the user that saving failed: once per page, since every later save would fail the
 * same way and say the same thing.
 */
export function firstStorageFailure(): boolean {
  if (warned) return false;
  warned = true;
  return true;
}
