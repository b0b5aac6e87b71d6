/**
 * Names of the per-image map files, the same for `winclip score --maps` and the app's maps ZIP:
 * `<image path>.npy` (float32, shape [H, W]) and `<image path>.overlay.png`, the image's path relative to
 * the folder the images came from, extension kept, so `a.png` and `a.jpg` in one folder stay apart.
 */

/** The path with `/` separators and no empty, `.` or `..` segments (so it stays inside its folder). */
export function safeRelativePath(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.join('/') || 'image';
}

export function mapFileNames(imagePath: string): { npy: string; overlay: string } {
  const base = safeRelativePath(imagePath);
  return { npy: `${base}.npy`, overlay: `${base}.overlay.png` };
}

/** Paths made distinct in order: a repeat gets -2, -3… before its extension (a.png, a-2.png). */
export function uniquePaths(paths: readonly string[]): string[] {
  const used = new Set<string>();
  return paths.map((p) => {
    let out = p;
    const dot = p.lastIndexOf('.');
    const slash = p.lastIndexOf('/');
    // A dot that starts the file name ('.hidden') is not an extension.
    const [stem, ext] = dot > slash + 1 ? [p.slice(0, dot), p.slice(dot)] : [p, ''];
    for (let i = 2; used.has(out); i++) out = `${stem}-${i}${ext}`;
    used.add(out);
    return out;
  });
}
