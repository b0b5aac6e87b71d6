/**
 * The streamed archive read back by independent readers: Python's zipfile and Info-ZIP's `unzip -t`.
 * The ZIP64 case streams a 4.3 GiB archive to a temporary (sparse) file and deletes it afterwards.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ZipItem, zipStream } from './zip-stream';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempZip(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zip-stream-'));
  dirs.push(dir);
  return join(dir, 'out.zip');
}

const ZERO_CHUNK = new Uint8Array(1 << 20);

/** Whether `b` is all zero bytes (compared against ZERO_CHUNK; longer chunks are not checked). */
function allZero(b: Uint8Array): boolean {
  return (
    b.length > 0 && b.length <= ZERO_CHUNK.length && Buffer.compare(b, ZERO_CHUNK.subarray(0, b.length)) === 0
  );
}

/**
 * Streams the archive to `path` chunk by chunk; returns the largest resident set seen (bytes). With
 * `sparse`, all-zero chunks become a hole in the file instead of a write: readers see the same bytes,
 * and a multi-GiB archive of zeros costs no disk traffic on a machine other jobs share.
 */
async function writeStream(
  stream: ReadableStream<Uint8Array>,
  path: string,
  { sparse = false } = {},
): Promise<number> {
  const file = await open(path, 'w');
  let peakRss = process.memoryUsage.rss();
  let position = 0;
  try {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (!(sparse && allZero(value))) await file.write(value, 0, value.length, position);
      position += value.length;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    // A trailing hole needs the length set explicitly.
    await file.truncate(position);
  } finally {
    await file.close();
  }
  return peakRss;
}

function python(script: string, ...args: string[]): string {
  return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('zipStream', () => {
  it('writes entries that zipfile and unzip -t read back byte for byte', async () => {
    const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 2654435761) >>> 24);
    const header = new TextEncoder().encode('\x93NUMPY header ');
    const body = Float32Array.from([0.25, -1, 3.5]);
    const bodyBytes = new Uint8Array(body.buffer);
    const expected: Record<string, Uint8Array> = {
      'a.txt': new TextEncoder().encode('hello\n'),
      'maps/ü-名前.npy': Uint8Array.from([...header, ...bodyBytes]),
      'empty.bin': new Uint8Array(0),
      'big.bin': big,
    };
    const items: ZipItem[] = [
      { name: 'a.txt', data: expected['a.txt'] },
      { name: 'maps/ü-名前.npy', data: [header, bodyBytes] },
      { name: 'empty.bin', data: new Uint8Array(0) },
      { name: 'big.bin', data: big },
    ];
    const when = new Date(2024, 4, 17, 13, 45, 30);
    const path = tempZip();
    await writeStream(
      zipStream(
        (async function* () {
          yield* items;
        })(),
        when,
      ),
      path,
    );

    const read = JSON.parse(
      python(
        `import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"bad": z.testzip(), "entries": [
  [i.filename, i.file_size, i.compress_type, list(i.date_time), hashlib.sha256(z.read(i)).hexdigest()]
  for i in z.infolist()]}))`,
        path,
      ),
    );
    expect(read.bad).toBeNull();
    expect(read.entries).toEqual(
      Object.entries(expected).map(([name, bytes]) => [
        name,
        bytes.length,
        0,
        [2024, 5, 17, 13, 45, 30],
        sha(bytes),
      ]),
    );
    const unzip = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
    expect(unzip).toContain('No errors detected in compressed data');
  });

  it('fails the stream with the producer’s error', async () => {
    const stream = zipStream(
      (async function* () {
        yield { name: 'one.txt', data: new Uint8Array([1]) };
        throw new Error('render failed for two.png');
      })(),
    );
    await expect(writeStream(stream, tempZip())).rejects.toThrow('render failed for two.png');
  });

  it('writes ZIP64 past 4 GiB: a 4.3 GiB entry and one after it, streamed to disk', async () => {
    const MiB = 1 << 20;
    const zeroMiBs = 4404; // 4.3 GiB: past the 32-bit size and offset fields
    const zeros = new Uint8Array(MiB);
    const tail = new TextEncoder().encode('after the 4 GiB mark\n');
    const path = tempZip();
    const started = performance.now();
    const peakRss = await writeStream(
      zipStream([
        {
          name: 'zeros.bin',
          data: (function* () {
            for (let i = 0; i < zeroMiBs; i++) yield zeros;
          })(),
        },
        { name: 'tail.txt', data: tail },
      ]),
      path,
      { sparse: true },
    );
    const written = performance.now();
    expect(statSync(path).size).toBeGreaterThan(zeroMiBs * MiB);
    // Streamed, not buffered: the process never held more than a fraction of the archive.
    expect(peakRss).toBeLessThan(1024 * MiB);

    // Python's zipfile reads the ZIP64 records; the CRC of 4.3 GiB of zeros is computed there by
    // GF(2) matrix powers (zlib's crc32_combine, checked against zlib.crc32 on small lengths), so no
    // reader has to pass over the 4.3 GiB again to check the CRC the stream wrote.
    const read = JSON.parse(
      python(
        `import json, sys, zipfile, zlib
def times(mat, vec):
    s = i = 0
    while vec:
        if vec & 1: s ^= mat[i]
        vec >>= 1; i += 1
    return s
def square(mat): return [times(mat, m) for m in mat]
def crc32_zeros(n):
    op = [0xEDB88320] + [1 << i for i in range(31)]
    for _ in range(3): op = square(op)
    reg = 0xFFFFFFFF
    while n:
        if n & 1: reg = times(op, reg)
        n >>= 1; op = square(op)
    return reg ^ 0xFFFFFFFF
assert all(crc32_zeros(n) == zlib.crc32(bytes(n)) for n in (0, 1, 5, 1000, 65537, 3 << 20))
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"sizes": [[i.filename, i.file_size, i.header_offset] for i in z.infolist()],
  "crcOk": z.getinfo("zeros.bin").CRC == crc32_zeros(z.getinfo("zeros.bin").file_size),
  "tail": z.read("tail.txt").decode()}))`,
        path,
      ),
    );
    expect(read.sizes.map((s: [string, number, number]) => [s[0], s[1]])).toEqual([
      ['zeros.bin', zeroMiBs * MiB],
      ['tail.txt', tail.length],
    ]);
    expect(read.sizes[1][2]).toBeGreaterThan(2 ** 32);
    expect(read.crcOk).toBe(true);
    expect(read.tail).toBe('after the 4 GiB mark\n');
    // Info-ZIP too: it lists the ZIP64 sizes and extracts (CRC-checked) the entry past 4 GiB.
    const list = execFileSync('unzip', ['-l', path], { encoding: 'utf8' });
    expect(list).toMatch(new RegExp(`\\b${zeroMiBs * MiB}\\s.*zeros\\.bin`));
    expect(execFileSync('unzip', ['-p', path, 'tail.txt'], { encoding: 'utf8' })).toBe(
      'after the 4 GiB mark\n',
    );
    console.info(
      `ZIP64 test: ${(statSync(path).size / 2 ** 30).toFixed(2)} GiB written in ${((written - started) / 1000).toFixed(1)} s, ` +
        `read back in ${((performance.now() - written) / 1000).toFixed(1)} s, peak RSS ${(peakRss / MiB).toFixed(0)} MiB`,
    );
  });
});
