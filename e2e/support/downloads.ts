/** Downloads triggered by a click, ZIPs saved through the save picker, and the entries of the app's ZIPs. */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

export async function saveDownload(
  page: Page,
  click: () => Promise<void>,
): Promise<{ name: string; path: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), path, bytes: readFileSync(path) };
}

/**
 * Headless Chromium has `showSaveFilePicker` but rejects it at once with AbortError, as if the user had
 * cancelled, so the ZIP exports would save nothing. Hiding it sends them down the download path that
 * Firefox and Safari take.
 */
export async function zipAsDownload(page: Page): Promise<void> {
  await page.evaluate(() =>
    Object.defineProperty(window, 'showSaveFilePicker', { value: undefined, configurable: true }),
  );
}

/**
 * A save picker that hands the app a file whose writable keeps the streamed chunks in the page, so the
 * stream-to-disk path runs as in a headed Chromium. Returns a function that waits for the closed file.
 */
export async function fakeSavePicker(page: Page): Promise<() => Promise<{ name: string; bytes: Buffer }>> {
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__savedZip = null;
    Object.defineProperty(window, 'showSaveFilePicker', {
      configurable: true,
      value: async (options: { suggestedName: string }) => ({
        name: options.suggestedName,
        createWritable: async () => {
          const chunks: Uint8Array[] = [];
          return new WritableStream<Uint8Array>({
            write: (chunk) => void chunks.push(chunk.slice()),
            close: async () => {
              const bytes = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
              let s = '';
              for (let i = 0; i < bytes.length; i += 0x8000)
                s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              w.__savedZip = { name: options.suggestedName, base64: btoa(s) };
            },
          });
        },
      }),
    });
  });
  return async () => {
    const handle = await page.waitForFunction(
      () => (window as unknown as Record<string, unknown>).__savedZip,
    );
    const saved = (await handle.jsonValue()) as { name: string; base64: string };
    return { name: saved.name, bytes: Buffer.from(saved.base64, 'base64') };
  };
}

/**
 * Entries of a stored (uncompressed) ZIP, read through its central directory: the app streams entries
 * with data descriptors, so the local headers carry no sizes.
 */
export function storedZipEntries(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a ZIP: no end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`no central directory entry at ${at}`);
    if (zip.readUInt16LE(at + 10) !== 0) throw new Error('compressed entry: expected stored entries only');
    const size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.set(name, zip.subarray(dataAt, dataAt + size));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
