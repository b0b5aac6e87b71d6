/** Saving to a picked file: the archive streams into the writable; a failure is one message and no file. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ZipItem } from '../../io/zip-stream';
import { saveZip, type ZipTarget } from './save-zip';

/** A picked file whose writable keeps what it is given, or fails the `failAt`-th write with `error`. */
function fakeFile(failAt = Infinity, error?: unknown) {
  const chunks: Uint8Array[] = [];
  const log: string[] = [];
  const handle = {
    name: 'picked.zip',
    createWritable: async () =>
      new WritableStream<Uint8Array>({
        write(chunk) {
          if (chunks.length + 1 >= failAt) throw error;
          chunks.push(chunk.slice());
        },
        close() {
          log.push('close');
        },
        abort() {
          log.push('abort');
        },
      }),
  } as unknown as FileSystemFileHandle;
  const target: ZipTarget = { kind: 'file', fileName: 'picked.zip', handle };
  return { target, chunks, log };
}

/** Two-entry producer that records how it ended (a lazy generator's `finally` must run). */
function producer(ended: string[], failSecond?: Error) {
  return (async function* (): AsyncGenerator<ZipItem> {
    try {
      yield { name: 'a.png', data: new Uint8Array(300_000).fill(7) };
      if (failSecond) throw failSecond;
      yield { name: 'b.npy', data: [new Uint8Array([1, 2]), new Uint8Array([3])] };
      ended.push('done');
    } finally {
      ended.push('finally');
    }
  })();
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('saveZip into a picked file', () => {
  it('streams the whole archive into the writable and closes it', async () => {
    const file = fakeFile();
    const ended: string[] = [];
    await saveZip(file.target, producer(ended));
    expect(file.log).toEqual(['close']);
    expect(ended).toEqual(['done', 'finally']);
    expect(file.chunks.length).toBeGreaterThan(2);
    const dir = mkdtempSync(join(tmpdir(), 'save-zip-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'picked.zip'), Buffer.concat(file.chunks));
    const listed = execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip(), [(i.filename, i.file_size) for i in z.infolist()], list(z.read("b.npy")))',
        join(dir, 'picked.zip'),
      ],
      { encoding: 'utf8' },
    );
    expect(listed.trim()).toBe("None [('a.png', 300000), ('b.npy', 3)] [1, 2, 3]");
  });

  it('a full disk is one clear message; the file is aborted and the producer stopped', async () => {
    const file = fakeFile(2, new DOMException('The operation failed: disk full', 'QuotaExceededError'));
    const ended: string[] = [];
    await expect(saveZip(file.target, producer(ended))).rejects.toThrow(
      /^not enough disk space to save picked\.zip$/,
    );
    // The sink failed itself: never closed, so the browser never commits the partial file.
    expect(file.log).not.toContain('close');
    expect(ended).toEqual(['finally']);
  });

  it('any other write error names the file and the cause', async () => {
    const file = fakeFile(1, new TypeError('stream broke'));
    await expect(saveZip(file.target, producer([]))).rejects.toThrow(
      /^could not write picked\.zip: stream broke$/,
    );
  });

  it('an entry that cannot be made fails with its own error and leaves no file', async () => {
    const file = fakeFile();
    const ended: string[] = [];
    await expect(saveZip(file.target, producer(ended, new Error('render failed for b.png')))).rejects.toThrow(
      /^render failed for b\.png$/,
    );
    expect(file.log).toEqual(['abort']);
    expect(ended).toEqual(['finally']);
  });
});

describe('saveZip as a download', () => {
  it('an entry that cannot be made fails with its own error, not the Blob reader’s', async () => {
    const target: ZipTarget = { kind: 'download', fileName: 'x.zip' };
    await expect(saveZip(target, producer([], new Error('map 2 is gone')))).rejects.toThrow(
      /^map 2 is gone$/,
    );
  });
});
