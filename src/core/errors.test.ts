import { describe, expect, it } from 'vitest';
import {
  abortError,
  EngineFatalError,
  errorText,
  isAbortError,
  isEngineFatalError,
  isOutOfMemoryError,
  OutOfMemoryError,
} from './errors';

/** What comlink rebuilds on the other side of the worker boundary: a plain Error with name and message. */
function cloned(err: Error): Error {
  return Object.assign(new Error(err.message), { name: err.name });
}

describe('errors', () => {
  it('words anything thrown', () => {
    expect(errorText(new Error('bad'))).toBe('bad');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(new OutOfMemoryError(''))).toBe('OutOfMemoryError');
  });

  it('recognises each kind by name after a structured clone', () => {
    expect(isAbortError(cloned(abortError()))).toBe(true);
    expect(isOutOfMemoryError(cloned(new OutOfMemoryError('x')))).toBe(true);
    expect(isEngineFatalError(cloned(new EngineFatalError('x')))).toBe(true);
    expect(isAbortError(new Error('Cancelled'))).toBe(false);
    expect(isAbortError(null)).toBe(false);
  });
});
