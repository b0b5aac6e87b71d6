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

  it('with keepOnly, streams the body to the tee alone and keeps only its first bytes', async () => {
    const teed: number[] = [];
    const seen: Uint8Array[] = [];
    const r = await readStream(
      streamOf([
        [1, 2, 3],
        [4, 5],
        [6, 7, 8, 9],
      ]),
      {
        expectedBytes: 9,
        what: 'w',
        keepOnly: 4,
        inspect: (soFar) => seen.push(soFar.slice()),
        tee: async (body) => {
          for await (const c of body as unknown as AsyncIterable<Uint8Array>) teed.push(...c);
        },
      },
    );
    expect(teed).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(r.bytes)).toEqual([1, 2, 3, 4]);
    expect(r.size).toBe(9);
    expect(r.teeError).toBeNull();
    expect(seen.map((b) => b.length)).toEqual([3, 4, 4]);
  });

  it('with keepOnly, stops reading when the tee fails (the caller reads again)', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulls++;
        if (pulls > 100) ctrl.close();
        else ctrl.enqueue(new Uint8Array([pulls]));
      },
    });
    const r = await readStream(body, {
      expectedBytes: 100,
      what: 'w',
      keepOnly: 8,
      tee: async (b) => {
        const reader = b.getReader();
        await reader.read();
        await reader.read();
        throw new Error('quota exceeded');
      },
    });
    expect(r.teeError).toBe('quota exceeded');
    expect(r.size).toBeLessThan(10);
    expect(pulls).toBeLessThan(10);
  });
});
