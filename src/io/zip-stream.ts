/**
 * ZIP archives as a byte stream (client-zip): stored entries (PNGs and float maps gain little from
 * deflate), UTF-8 names, ZIP64 records once an entry or the archive passes 4 GiB. Entries are pulled one
 * at a time from the iterable as the stream is read, so a lazy producer keeps one entry in memory.
 * Web Streams only, no DOM: the browser pipes it to a file or a Blob, Node tests to a file.
 */
import { makeZip } from 'client-zip';

export interface ZipItem {
  /** Path inside the archive ('/' separates folders). */
  name: string;
  /** The whole entry, or its bytes in pieces (an .npy header, then the data). */
  data: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

async function* pieces(data: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* data;
}

/** The archive of `items`, each stamped `when` (DOS time, local clock, as other ZIP tools write). */
export function zipStream(
  items: AsyncIterable<ZipItem> | Iterable<ZipItem>,
  when: Date = new Date(),
): ReadableStream<Uint8Array> {
  async function* inputs() {
    for await (const item of items) {
      if (!item.name) throw new Error('A ZIP entry needs a name.');
      const input = item.data instanceof Uint8Array ? item.data : pieces(item.data);
      yield { name: item.name, lastModified: when, input };
    }
  }
  return makeZip(inputs());
}
