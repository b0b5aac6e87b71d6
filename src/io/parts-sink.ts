/**
 * Collects a stream of known size straight into several buffers, cut where `split` says once it has
 * seen enough of the start (e.g. a safetensors header): the whole file never exists as one buffer, so
 * each part can be freed on its own later. Until the cuts are known the start is kept in a small buffer.
 */
import { OutOfMemoryError } from '../core/errors';

/** Cut offsets once `head` (the first bytes) suffices, else null to wait for more. */
export type SplitRule = (head: Uint8Array, totalBytes: number) => number[] | null;

export class PartsSink {
  private head = new Uint8Array(1 << 16);
  private parts: Uint8Array[] | null = null;
  private starts: number[] = [];
  private length = 0;

  constructor(
    private readonly totalBytes: number,
    private readonly what: string,
    private readonly split: SplitRule,
  ) {}

  get size(): number {
    return this.length;
  }

  write(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength > this.totalBytes)
      throw new Error(`${this.what} is longer than the ${this.totalBytes} bytes announced`);
    if (this.parts) {
      this.place(chunk, this.length);
      this.length += chunk.byteLength;
      return;
    }
    if (this.length + chunk.byteLength > this.head.byteLength) {
      const next = new Uint8Array(Math.max(this.length + chunk.byteLength, this.head.byteLength * 2));
      next.set(this.head.subarray(0, this.length));
      this.head = next;
    }
    this.head.set(chunk, this.length);
    this.length += chunk.byteLength;
    const cuts = this.split(this.head.subarray(0, this.length), this.totalBytes);
    if (cuts) this.allocate(cuts);
  }

  /** The first bytes seen so far (what a header check needs). */
  view(): Uint8Array {
    if (!this.parts) return this.head.subarray(0, this.length);
    return this.parts[0].subarray(0, Math.min(this.length, this.parts[0].byteLength));
  }

  /** The parts, once every announced byte arrived (a short stream leaves the last ones unwritten). */
  result(): Uint8Array[] {
    if (!this.parts) this.allocate([]);
    return this.parts!;
  }

  private allocate(cuts: number[]): void {
    const edges = [0, ...cuts.filter((c) => c > 0 && c < this.totalBytes), this.totalBytes];
    try {
      this.parts = edges.slice(1).map((end, i) => new Uint8Array(end - edges[i]));
    } catch {
      throw new OutOfMemoryError(
        `Not enough memory to hold ${this.what} (${(this.totalBytes / 1e6).toFixed(0)} MB). Close other tabs or pick a smaller model.`,
      );
    }
    this.starts = edges.slice(0, -1);
    this.place(this.head.subarray(0, this.length), 0);
    this.head = new Uint8Array(0);
  }

  /** Copies `bytes`, which start at file offset `at`, into the parts they fall in. */
  private place(bytes: Uint8Array, at: number): void {
    let done = 0;
    let i = this.starts.findLastIndex((s) => s <= at);
    while (done < bytes.byteLength) {
      const part = this.parts![i];
      const into = at + done - this.starts[i];
      const n = Math.min(part.byteLength - into, bytes.byteLength - done);
      part.set(bytes.subarray(done, done + n), into);
      done += n;
      i++;
    }
  }
}
