import { describe, expect, it } from 'vitest';
import { isAbortError } from '../core/errors';
import { readStream, StreamReadError } from './read-stream';

function streamOf(chunks: number[][], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (failAfter !== undefined && i === failAfter) ctrl.error(new Error('disk gone'));
      else if (i < chunks.length) ctrl.enqueue(new Uint8Array(chunks[i]));
      else ctrl.close();
      i++;
    },
  });
}

describe('readStream', () => {
  it('collects chunks into one buffer and reports the bytes so far', async () => {
    const seen: number[] = [];
    const { bytes, teeError } = await readStream(streamOf([[1, 2], [3], [4, 5, 6]]), {
      expectedBytes: 6,
      what: 'f.bin',
      onBytes: (n) => seen.push(n),
    });
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bytes.buffer.byteLength).toBe(6);
    expect(seen).toEqual([2, 3, 6]);
    expect(teeError).toBeNull();
  });

  it('grows past a wrong size hint', async () => {
    const { bytes } = await readStream(
      streamOf([
        [1, 2],
        [3, 4, 5],
      ]),
      { expectedBytes: 2, what: 'f' },
    );
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5]);
  });

  it('wraps a failing source as StreamReadError with the reason', async () => {
    const err = await readStream(streamOf([[1], [2]], 1), { expectedBytes: 0, what: 'model.bin' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StreamReadError);
    expect((err as StreamReadError).reason).toBe('disk gone');
    expect((err as Error).message).toBe('model.bin could not be read (disk gone)');
  });

  it('passes what the inspector throws through unchanged', async () => {
    const bad = new TypeError('not safetensors');
    const err = await readStream(streamOf([[1, 2, 3]]), {
      expectedBytes: 3,
      what: 'w',
      inspect: () => {
        throw bad;
      },
    }).catch((e: unknown) => e);
    expect(err).toBe(bad);
  });

  it('ends with an AbortError when cancelled', async () => {
    const abort = new AbortController();
    const err = await readStream(streamOf([[1], [2], [3]]), {
      expectedBytes: 3,
      what: 'w',
      signal: abort.signal,
      onBytes: () => abort.abort(),
    }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });

  it('reports a tee failure without failing the read', async () => {
    const { bytes, teeError } = await readStream(streamOf([[7], [8]]), {
      expectedBytes: 2,
      what: 'w',
      tee: async (body) => {
        await body.getReader().read();
        throw new Error('quota exceeded');
      },
    });
    expect(Array.from(bytes)).toEqual([7, 8]);
    expect(teeError).toBe('quota exceeded');
  });
});
