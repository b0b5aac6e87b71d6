/**
 * The image formats both the CLI and the app read: one list for folder walks (CLI, eval datasets), the
 * file pickers' `accept`, and the wording of messages and help, so they cannot drift apart.
 */

interface ImageFormat {
  name: string;
  mime: string;
  extensions: string[];
}

const IMAGE_FORMATS: readonly ImageFormat[] = [
  { name: 'PNG', mime: 'image/png', extensions: ['.png'] },
  { name: 'JPEG', mime: 'image/jpeg', extensions: ['.jpg', '.jpeg'] },
  { name: 'WebP', mime: 'image/webp', extensions: ['.webp'] },
  { name: 'BMP', mime: 'image/bmp', extensions: ['.bmp'] },
  { name: 'GIF', mime: 'image/gif', extensions: ['.gif'] },
  { name: 'AVIF', mime: 'image/avif', extensions: ['.avif'] },
  { name: 'TIFF', mime: 'image/tiff', extensions: ['.tif', '.tiff'] },
];

/** Lower-case extensions with the dot, as `path.extname` gives them. */
export const IMAGE_EXTENSIONS: readonly string[] = IMAGE_FORMATS.flatMap((f) => f.extensions);

/**
 * For `<input accept>`: MIME types and extensions both, since some systems label BMP or TIFF files with
 * another type (or none) and a MIME-only list would grey them out in the picker.
 */
export const IMAGE_ACCEPT = IMAGE_FORMATS.flatMap((f) => [f.mime, ...f.extensions]).join(',');

/** "PNG, JPEG, …, AVIF or TIFF", for messages. */
export const SUPPORTED_FORMATS_TEXT = `${IMAGE_FORMATS.slice(0, -1)
  .map((f) => f.name)
  .join(', ')} or ${IMAGE_FORMATS[IMAGE_FORMATS.length - 1].name}`;

/** Whether a file name ends in one of the image extensions (any case). */
export function hasImageExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && IMAGE_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}
