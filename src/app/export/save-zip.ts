/**
 * Saves a ZIP as it is made. Where the browser has a save picker (File System Access, Chromium) the
 * archive streams into the chosen file and is never whole in memory; elsewhere (Firefox, Safari) it is
 * collected into a Blob (Chromium and Firefox keep large Blobs on disk) and downloaded as before.
 */
import { errorText, hasErrorName, isAbortError } from '../../core/errors';
import { type ZipItem, zipStream } from '../../io/zip-stream';
import { downloadBlob } from './download';

interface SaveFilePickerOptions {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}

/** Not yet in TypeScript's DOM library (only Chromium ships it). */
type PickerWindow = {
  showSaveFilePicker?: (options: SaveFilePickerOptions) => Promise<FileSystemFileHandle>;
};

/** Where the archive goes: a file the user picked, or a download. */
export type ZipTarget =
  | { kind: 'file'; fileName: string; handle: FileSystemFileHandle }
  | { kind: 'download'; fileName: string };

/**
 * Asks where to save `fileName`. Call it first in the click handler, before any await: the picker needs
 * the click's user activation. Null when the user cancels the picker (no export, nothing to report).
 */
export async function chooseZipTarget(fileName: string): Promise<ZipTarget | null> {
  const picker = (window as PickerWindow).showSaveFilePicker;
  if (typeof picker !== 'function') return { kind: 'download', fileName };
  try {
    const handle = await picker.call(window, {
      suggestedName: fileName,
      types: [{ description: 'ZIP archive', accept: { 'application/zip': ['.zip'] } }],
    });
    return { kind: 'file', fileName: handle.name, handle };
  } catch (err) {
    if (isAbortError(err)) return null;
    // No user activation left, a blocked frame, a policy: the download still works.
    return { kind: 'download', fileName };
  }
}

/** Why writing failed, in words a user can act on. */
function writeFailure(err: unknown, fileName: string): string {
  if (hasErrorName(err, 'QuotaExceededError')) return `not enough disk space to save ${fileName}`;
  if (hasErrorName(err, 'NotAllowedError')) return `no permission to write ${fileName}`;
  return `could not write ${fileName}: ${errorText(err)}`;
}

/**
 * Streams `items` (pulled one at a time) into `target`. Throws the producer's own error when an entry
 * could not be made, else one error saying why the archive could not be written; a half-written file
 * is discarded (the writable is aborted, so the browser drops its temporary copy).
 */
export async function saveZip(target: ZipTarget, items: AsyncIterable<ZipItem>): Promise<void> {
  let producerError: unknown;
  let failed = false;
  async function* watched(): AsyncGenerator<ZipItem> {
    try {
      yield* items;
    } catch (err) {
      failed = true;
      producerError = err;
      throw err;
    }
  }
  try {
    const stream = zipStream(watched());
    if (target.kind === 'file') {
      await stream.pipeTo(await target.handle.createWritable());
    } else {
      const blob = await new Response(stream, { headers: { 'Content-Type': 'application/zip' } }).blob();
      downloadBlob(blob, target.fileName);
    }
  } catch (err) {
    if (failed) throw producerError;
    throw new Error(writeFailure(err, target.fileName));
  }
}
