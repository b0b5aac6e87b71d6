import { describe, expect, it } from 'vitest';
import { TINY_CONFIG, WEIGHTS_CASES } from '../../test/fuzz/model-cases';
import { fingerprintBytes } from '../core/weights-fingerprint';
import { parseModelConfig } from '../model/config';
import { textTensors, visionTensors } from '../model/openclip-layout';
import { randomSafetensors } from '../model/random-weights';
import { parseSafetensors } from '../model/safetensors';
import { ModelWeights } from '../model/weights';
import { BlobBytes, openDiskWeights } from './blob-bytes';

const cfg = parseModelConfig(TINY_CONFIG);

/**
 * Disk-like bytes over `bytes`, keeping every buffer it handed out (to see which were freed); a small
 * read window by default, so that reading the tiny model takes many reads.
 */
function onDisk(bytes: Uint8Array, window = 4096) {
  const handedOut: ArrayBuffer[] = [];
  const disk = new BlobBytes(
    bytes.byteLength,
    (begin, end) => {
      const buf = bytes.slice(begin, end).buffer;
      handedOut.push(buf);
      return buf;
    },
    undefined,
    window,
  );
  return { disk, handedOut };
}

describe('weights read from disk on demand', () => {
  it('give the same tensors and fingerprint as the bytes in memory, holding one read at a time', () => {
    const bytes = randomSafetensors(cfg, 7);
    // A one-byte window: every range is a read of its own.
    const { disk, handedOut } = onDisk(bytes, 1);
    expect(disk.byteLength).toBe(bytes.byteLength);
    expect(disk.buffer.byteLength).toBe(0);
    const fromDisk = ModelWeights.fromBytes(disk, cfg);
    const inMemory = ModelWeights.fromBytes(bytes, cfg);
    const names = [...visionTensors(cfg), ...textTensors(cfg)].map(([n]) => n);
    for (const n of names) {
      expect(fromDisk.ref(n)).toEqual(inMemory.ref(n));
      expect(fromDisk.read(n)).toEqual(inMemory.read(n));
    }
    expect(fingerprintBytes(disk)).toBe(fingerprintBytes(bytes));
    // The header, each tensor's finite check, each read() and the fingerprint were reads.
    expect(handedOut.length).toBeGreaterThan(names.length * 2);
    // Every read but the last was freed by the next one; the last goes with dropLastRead().
    expect(handedOut.slice(0, -1).every((b) => b.byteLength === 0)).toBe(true);
    expect(handedOut.at(-1)!.byteLength).toBeGreaterThan(0);
    disk.dropLastRead();
    expect(handedOut.at(-1)!.byteLength).toBe(0);
    // The graphs' external data is the disk view itself: onnxruntime reads each tensor through it.
    expect(fromDisk.filesFor(names)[0].data).toBe(disk);
  });

  it('read a window at a time: the tensors next to each other come from one read', () => {
    const bytes = randomSafetensors(cfg, 7);
    const window = 64 * 1024;
    const { disk, handedOut } = onDisk(bytes, window);
    const fromDisk = ModelWeights.fromBytes(disk, cfg);
    handedOut.length = 0;
    // Every tensor in file order, as the sessions' external data is read.
    const names = [...visionTensors(cfg), ...textTensors(cfg)].map(([n]) => n);
    const order = names.map((n) => [n, fromDisk.ref(n)] as const).sort((a, b) => a[1].offset - b[1].offset);
    const inMemory = ModelWeights.fromBytes(bytes, cfg);
    for (const [n] of order) expect(fromDisk.read(n)).toEqual(inMemory.read(n));
    // One read per window of the file's tensors, give or take the windows a tensor straddles.
    const span = order.at(-1)![1].offset + order.at(-1)![1].length - order[0][1].offset;
    expect(handedOut.length).toBeGreaterThan(1);
    expect(handedOut.length).toBeLessThanOrEqual(Math.ceil(span / window) + order.length / 4);
    expect(handedOut.length).toBeLessThan(order.length / 2);
  });

  it('refuse every broken file with the same message as the bytes in memory', () => {
    for (const c of WEIGHTS_CASES) {
      const { disk } = onDisk(c.bytes());
      const load = () => (c.forTinyConfig ? ModelWeights.fromBytes(disk, cfg) : parseSafetensors(disk));
      expect(load, c.name).toThrow(c.expect);
    }
  });

  it('keep the first read failure for the message, since onnxruntime reports only a code', () => {
    const disk = new BlobBytes(
      100,
      () => {
        throw new Error('NotReadableError');
      },
      'The cached copy of w could not be read ({reason}); clear the cache and download again.',
    );
    expect(disk.readError()).toBeNull();
    expect(() => disk.subarray(0, 8)).toThrow('NotReadableError');
    expect(disk.readError()?.message).toBe(
      'The cached copy of w could not be read (NotReadableError); clear the cache and download again.',
    );
    const fine = new BlobBytes(1, () => new ArrayBuffer(1));
    fine.subarray(0, 1);
    expect(fine.readError()).toBeNull();
  });

  it('are read into memory where a Blob cannot be read synchronously (not a worker)', async () => {
    const bytes = randomSafetensors(cfg, 3);
    const { files, disk } = await openDiskWeights({
      config: TINY_CONFIG,
      tokenizer: {},
      weights: new Uint8Array(0),
      weightsOnDisk: { file: new Blob([bytes as BlobPart]), unreadable: 'x ({reason})' },
    });
    expect(disk).toBeNull();
    expect(files.weightsOnDisk).toBeUndefined();
    expect(files.weights).toEqual(bytes);
  });
});
