/**
 * Files of a drop with their paths relative to what was dropped: a dropped folder `lot7` holding
 * `good/000.png` gives `lot7/good/000.png`. Folders are walked to any depth (DataTransfer entries);
 * a drop without entries falls back to the bare files.
 */

export interface PathedFile {
  file: File;
  path: string;
}

/** Deepest folder level walked; deeper files are skipped (guards against link loops). */
const MAX_DEPTH = 32;

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, depth: number, out: PathedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, path });
    return;
  }
  if (!entry.isDirectory || depth >= MAX_DEPTH) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until empty.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    const sorted = [...batch].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    for (const child of sorted) await walk(child, path, depth + 1, out);
  }
}

/** Every file of a drop with its relative path. Must be called during the drop event. */
export async function pathedFilesFromDataTransfer(dt: DataTransfer): Promise<PathedFile[]> {
  const entries = Array.from(dt.items ?? [])
    .filter((it) => it.kind === 'file')
    .map((it) => it.webkitGetAsEntry?.() ?? null);
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const out: PathedFile[] = [];
    for (const e of entries as FileSystemEntry[]) await walk(e, '', 0, out);
    return out;
  }
  return Array.from(dt.files, (file) => ({ file, path: file.name }));
}
