/**
 * Collects a byte stream into one buffer. With the size known up front it writes into a single
 * pre-sized ArrayBuffer (no second copy of a large model); otherwise it grows geometrically.
 * The result is a view, so handing its buffer to a worker transfers it without copying.
 */
export class OutOfMemoryError extends Error {
  override name = 'OutOfMemoryError';
}

function allocate(bytes: number, what: string): Uint8Array {
  try {
    return new Uint8Array(bytes);
  } catch {
    throw new OutOfMemoryError(
      `Not enough memory to hold ${what} (${(bytes / 1e6).toFixed(0)} MB). Close other tabs or pick a smaller model.`,
    );
  }
}

export class ByteSink {
  private buf: Uint8Array;
  private length = 0;

  constructor(
    expectedBytes: number,
    private readonly what: string,
  ) {
    this.buf = allocate(expectedBytes > 0 ? expectedBytes : 1 << 20, what);
  }

  get size(): number {
    return this.length;
  }

  write(chunk: Uint8Array): void {
    const need = this.length + chunk.byteLength;
    if (need > this.buf.byteLength) {
      // Servers may send compressed or unsized bodies: grow, then keep only the bytes written.
      const next = allocate(Math.max(need, Math.ceil(this.buf.byteLength * 1.5)), this.what);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(chunk, this.length);
    this.length = need;
  }

  /** The bytes so far, as a view (no copy). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
