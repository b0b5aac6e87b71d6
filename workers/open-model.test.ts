import { describe, expect, it } from 'vitest';
import { fingerprintBytes } from '../src/core/weights-fingerprint';
import type { OrtRuntime } from '../src/engine/runtime';
import { createNodeRuntime } from '../src/engine/runtime-node';
import { BlobBytes } from '../src/io/blob-bytes';
import { loadModelDir } from '../src/io/model-dir-node';
import { modelIdentity } from '../src/io/model-identity';
import { parseModelConfig } from '../src/model/config';
import { parseSafetensorsHeader } from '../src/model/safetensors';
import { partCuts, splitAt } from '../src/model/weight-parts';
import { FIXTURE_DIR } from '../test/fixture';
import { createWorkerEngine, openModel, readingWeightsOf } from './open-model';

/** The node runtime under another backend's name, counting the sessions created. */
function counting(backend: string) {
  const runtime = createNodeRuntime(1);
  const count = { created: 0 };
  const rt: OrtRuntime = {
    ...runtime,
    backend,
    createSession: async (graph) => {
      const s = await runtime.createSession(graph);
      count.created++;
      return s;
    },
  };
  return { rt, count };
}

/**
 * A runtime that reads every tensor of a graph's external data as onnxruntime-web does (one
 * `subarray` each, copied at once), fails with a code as it does when a read fails, and runs sessions
 * that answer zeros.
 */
function readingRuntime(onCreate = () => {}): OrtRuntime {
  return {
    backend: 'wasm',
    createSession: async (graph) => {
      onCreate();
      for (const f of graph.externalData) {
        try {
          f.data.subarray(0, Math.min(64, f.data.byteLength)).slice();
        } catch {
          throw new Error('failed to load external data file (error code 6)');
        }
      }
      return {
        run: async (_feeds, fetch) =>
          Object.fromEntries(fetch.map((n) => [n, { data: new Float32Array(1 << 16), dims: [] }])),
        release: async () => undefined,
      };
    },
  };
}

/** The fixture's weights as a file read on demand, keeping every buffer handed out. */
async function onDisk() {
  const files = await loadModelDir(FIXTURE_DIR);
  const bytes = files.weights;
  const handedOut: ArrayBuffer[] = [];
  const state = { fail: false };
  const disk = new BlobBytes(
    bytes.byteLength,
    (begin, end) => {
      if (state.fail) throw new Error('NotReadableError');
      const buf = bytes.slice(begin, end).buffer;
      handedOut.push(buf);
      return buf;
    },
    'The kept copy of the weights could not be read ({reason}).',
    // A one-byte read window: every tensor is a read of its own, so a file that becomes unreadable
    // fails the next tensor read (with the default window the tiny file is one read).
    1,
  );
  return { files: { ...files, weights: disk }, handedOut, state };
}

describe('the worker engine', () => {
  it('leaves the text session to its first run on WASM, creates it with the others on WebGPU', async () => {
    const files = await loadModelDir(FIXTURE_DIR);
    const wasm = counting('wasm');
    const a = await createWorkerEngine({ ...files }, wasm.rt);
    expect(wasm.count.created).toBe(2);
    await a.embedPrompts(['a photo of a widget.']);
    expect(wasm.count.created).toBe(3);
    // WebGPU: an out-of-memory failure of any session must surface during the load (the WASM fallback).
    const gpu = counting('webgpu');
    const b = await createWorkerEngine({ ...files }, gpu.rt);
    expect(gpu.count.created).toBe(3);
    await a.dispose();
    await b.dispose();
  });

  it('lets go of the last read from disk after each session, the text session at its first run too', async () => {
    const { files, handedOut } = await onDisk();
    const engine = await createWorkerEngine(files, readingRuntime());
    const read = handedOut.length;
    expect(read).toBeGreaterThan(0);
    expect(handedOut.every((b) => b.byteLength === 0)).toBe(true);
    await engine.embedPrompts(['a photo of a widget.']);
    // The text tower was read only now, and its last read is gone as well.
    expect(handedOut.length).toBeGreaterThan(read);
    expect(handedOut.every((b) => b.byteLength === 0)).toBe(true);
    await engine.dispose();
  });

  it('reports a failed read in a session in the file words, not as the runtime error', async () => {
    const files = await loadModelDir(FIXTURE_DIR);
    const plain = readingRuntime();
    // Weights in memory: the runtime itself.
    expect(readingWeightsOf(plain, files)).toBe(plain);
    // The header and the checks read the file; then it becomes unreadable (moved, deleted).
    const { files: failing, state } = await onDisk();
    const runtime = readingRuntime(() => {
      state.fail = true;
    });
    await expect(createWorkerEngine(failing, runtime)).rejects.toThrow(
      'The kept copy of the weights could not be read (NotReadableError).',
    );
  });

  it('takes the fingerprint of parts the engine frees while it opens, and the identity from it', async () => {
    const files = await loadModelDir(FIXTURE_DIR);
    const whole = files.weights;
    const cuts = partCuts(whole, whole.byteLength, parseModelConfig(files.config));
    // One buffer each, as the page's reader makes them (views of one buffer are never freed early).
    const parts = splitAt(whole, cuts).map((p) => p.slice());
    // Which buffers the engine frees (a zero-length transfer; Node 20 has none, so it is recorded here).
    const textAt = parseSafetensorsHeader(whole, whole.byteLength).tensors.get('token_embedding.weight')!;
    const textPart = textAt.offset < cuts[0] ? 0 : 1;
    const freed: string[] = [];
    for (const [i, p] of parts.entries())
      Object.defineProperty(p.buffer, 'transfer', {
        value: () => freed.push(i === textPart ? 'text' : 'vision'),
      });
    const opened = await openModel({ ...files, weights: new Uint8Array(0), weightParts: parts }, (f) =>
      createWorkerEngine(f, readingRuntime()),
    );
    expect(opened.weightsFingerprint).toBe(fingerprintBytes(whole));
    expect(opened.modelId).toBe(await modelIdentity(whole, files.config));
    // The engine took the parts; the lot mode keeps the vision part, the text part waits for its session.
    expect(parts).toEqual([]);
    expect(freed).toEqual([]);
    await opened.engine.embedPrompts(['a photo of a widget.']);
    expect(freed).toEqual(['text']);
    await opened.engine.dispose();
    await expect(
      openModel(files, async () => {
        throw new Error('out of memory');
      }),
    ).rejects.toThrow('out of memory');
  });
});
