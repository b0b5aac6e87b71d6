/**
 * The streamed archive read back by independent readers: Python's zipfile and Info-ZIP's `unzip -t`.
 * The ZIP64 case writes a 4.3 GiB archive to a temporary file as it streams and deletes it afterwards.
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

/** Streams the archive to `path` chunk by chunk; returns the largest resident set seen (bytes). */
async function writeStream(stream: ReadableStream<Uint8Array>, path: string): Promise<number> {
  const file = await open(path, 'w');
  let peakRss = process.memoryUsage.rss();
  try {
    const reader = stream.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await file.write(value);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
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
    );
    const written = performance.now();
    expect(statSync(path).size).toBeGreaterThan(zeroMiBs * MiB);
    // Streamed, not buffered: the process never held more than a fraction of the archive.
    expect(peakRss).toBeLessThan(1024 * MiB);

    const read = JSON.parse(
      python(
        `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"sizes": [[i.filename, i.file_size, i.header_offset] for i in z.infolist()],
  "tail": z.read("tail.txt").decode()}))`,
        path,
      ),
    );
    expect(read.sizes.map((s: [string, number, number]) => [s[0], s[1]])).toEqual([
      ['zeros.bin', zeroMiBs * MiB],
      ['tail.txt', tail.length],
    ]);
    expect(read.sizes[1][2]).toBeGreaterThan(2 ** 32);
    expect(read.tail).toBe('after the 4 GiB mark\n');
    // unzip -t checks every entry's CRC (zipfile's testzip would read the 4.3 GiB a second time).
    const unzip = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
    expect(unzip).toMatch(/testing: zeros\.bin\s+OK/);
    expect(unzip).toContain('No errors detected in compressed data');
    console.info(
      `ZIP64 test: ${(statSync(path).size / 2 ** 30).toFixed(2)} GiB written in ${((written - started) / 1000).toFixed(1)} s, ` +
        `read back in ${((performance.now() - written) / 1000).toFixed(1)} s, peak RSS ${(peakRss / MiB).toFixed(0)} MiB`,
    );
  });
});
