/** Downloads triggered by a click, and the entries of the stored (uncompressed) ZIPs the app writes. */
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

export function storedZipEntries(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let off = 0;
  while (zip.readUInt32LE(off) === 0x04034b50) {
    const size = zip.readUInt32LE(off + 18);
    const nameLen = zip.readUInt16LE(off + 26);
    const name = zip.subarray(off + 30, off + 30 + nameLen).toString();
    out.set(name, zip.subarray(off + 30 + nameLen, off + 30 + nameLen + size));
    off += 30 + nameLen + size;
  }
  return out;
}
