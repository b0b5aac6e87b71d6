import { describe, expect, it } from 'vitest';
import { progressText } from './progress-text';

describe('progressText', () => {
  it('words download and stage events', () => {
    const dl = { kind: 'download', file: 'w.safetensors', loaded: 1, total: 2 } as const;
    expect(progressText({ ...dl, from: 'network' })).toBe('Downloading w.safetensors');
    expect(progressText({ ...dl, from: 'cache' })).toBe('Reading w.safetensors from the cache');
    expect(progressText({ ...dl, from: 'local' })).toBe('Reading w.safetensors');
    expect(progressText({ kind: 'stage', stage: 'runtime', backend: 'wasm' })).toBe(
      'Starting onnxruntime-web (wasm)',
    );
    expect(progressText({ kind: 'stage', stage: 'rescore', done: 3, total: 8 })).toBe('Re-scoring 3/8');
    expect(progressText({ kind: 'stage', stage: 'prompts' })).toBe('Embedding prompts');
  });
});
