import { describe, expect, it } from 'vitest';
import { PartsSink } from './parts-sink';
import { readStream } from './read-stream';

const file = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 255);
/** Cuts at 100 and 640 once 20 bytes are in (a stand-in for a header). */
const rule = (head: Uint8Array) => (head.byteLength >= 20 ? [100, 640] : null);

function chunks(sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(file.subarray(at, at + n));
    at += n;
  }
  if (at < file.length) out.push(file.subarray(at));
  return out;
}

describe('PartsSink', () => {
  it.each([
    ['one chunk', [1000]],
    ['chunks across both cuts', [7, 5, 90, 3, 600, 295]],
    ['the rule waits for the head', [3, 3, 3, 3, 3, 3, 3]],
  ])('writes %s into the parts the rule cuts', (_, sizes) => {
    const sink = new PartsSink(file.length, 'f', rule);
    for (const c of chunks(sizes)) sink.write(c);
    const parts = sink.result();
    expect(parts.map((p) => p.byteLength)).toEqual([100, 540, 360]);
    expect(Array.from(parts[0])).toEqual(Array.from(file.subarray(0, 100)));
    expect(Array.from(parts[1])).toEqual(Array.from(file.subarray(100, 640)));
    expect(Array.from(parts[2])).toEqual(Array.from(file.subarray(640)));
    expect(sink.size).toBe(1000);
    expect(sink.view().byteLength).toBe(100);
  });

  it('refuses more bytes than announced', () => {
    const sink = new PartsSink(10, 'weights.bin', () => []);
    expect(() => sink.write(new Uint8Array(11))).toThrow('weights.bin is longer than the 10 bytes announced');
  });

  it('gives one part when the rule never cuts', () => {
    const sink = new PartsSink(file.length, 'f', () => null);
    for (const c of chunks([400])) sink.write(c);
    const parts = sink.result();
    expect(parts).toHaveLength(1);
    expect(Array.from(parts[0])).toEqual(Array.from(file));
  });

  it('is what readStream returns as parts with a split rule and a known size', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const ch of chunks([50, 500])) c.enqueue(ch.slice());
        c.close();
      },
    });
    const r = await readStream(body, { expectedBytes: file.length, what: 'f', split: rule });
    expect(r.bytes.byteLength).toBe(0);
    expect(r.parts!.map((p) => p.byteLength)).toEqual([100, 540, 360]);
    expect(Array.from(r.parts![2])).toEqual(Array.from(file.subarray(640)));
  });
});
