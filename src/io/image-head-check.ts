/**
 * What a file's first bytes say: the image format we decode, or one line naming the file that says why it
 * cannot be scored (a refused format, HEIC, a PDF or text file, too many pixels). Shared by the pre-check
 * on drop and the decoder, so both say the same thing.
 */
import {
  pixelLimitProblem,
  readImageHeader,
  type SniffedFormat,
  SUPPORTED_FORMATS_TEXT,
  sniffImageFormat,
  unsupportedFormat,
} from './image-header';

const NON_IMAGE_SIGNATURES: [string, number[]][] = [
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive', [0x50, 0x4b, 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
];

function startsWith(head: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((b, i) => head[at + i] === b);
}

function describeNonImage(head: Uint8Array): string {
  for (const [what, sig] of NON_IMAGE_SIGNATURES) if (startsWith(head, sig)) return what;
  const text = head.subarray(0, 64).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  return text && head.length > 0 ? 'a text file' : 'not a recognised image format';
}

/** An ISO-BMFF file whose brand is HEIC/HEIF (AVIF, the same container, is sniffed before this). */
function isHeif(head: Uint8Array): boolean {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  return ascii(4, 8) === 'ftyp' && /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(ascii(8, 12));
}

/** The sniffed format of `head`, or the reason the file is not an image we can score. */
export function checkImageHead(
  head: Uint8Array,
  name: string,
): { format: SniffedFormat } | { problem: string } {
  const refused = unsupportedFormat(head);
  if (refused) return { problem: `${name}: ${refused}; use ${SUPPORTED_FORMATS_TEXT}` };
  const format = sniffImageFormat(head);
  if (!format && isHeif(head))
    return {
      problem: `${name}: a HEIC/HEIF image (as phones save photos), which browsers cannot decode; use ${SUPPORTED_FORMATS_TEXT}`,
    };
  if (!format)
    return { problem: `${name}: not an image (${describeNonImage(head)}); use ${SUPPORTED_FORMATS_TEXT}` };
  // Refused from the header: decoding a huge image would fail anyway, as "corrupt", after a long wait.
  const header = readImageHeader(head);
  const tooBig = header && pixelLimitProblem(name, header.width, header.height);
  return tooBig ? { problem: tooBig } : { format };
}
