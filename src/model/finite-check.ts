/**
 * Refuses weights holding NaN or ±Inf: such checkpoints load and run, but every score comes out NaN.
 * Checks the raw bit patterns (exponent all ones) over integer views, so nothing is decoded or copied.
 */
import type { SafeTensorFile, SafeTensorInfo } from './safetensors';

export interface NonFinite {
  /** How many elements are NaN or ±Inf. */
  count: number;
  /** Element index of the first one, and what it is. */
  first: number;
  kind: 'NaN' | 'Inf' | '-Inf';
}

// Exponent, mantissa and sign masks of each float dtype, on its 32-bit or 16-bit words.
const F32 = { exp: 0x7f800000, man: 0x007fffff, sign: 0x80000000 };
const F16 = { exp: 0x7c00, man: 0x03ff, sign: 0x8000 };
const BF16 = { exp: 0x7f80, man: 0x007f, sign: 0x8000 };
const F64_HI = { exp: 0x7ff00000, man: 0x000fffff, sign: 0x80000000 };

function scan(words: Uint32Array | Uint16Array, stride: number, m: typeof F32): NonFinite | null {
  const { exp } = m;
  let count = 0;
  let first = -1;
  for (let i = stride - 1; i < words.length; i += stride) {
    if ((words[i] & exp) === exp && count++ === 0) first = i;
  }
  if (count === 0) return null;
  const bits = words[first] >>> 0;
  // An F64 NaN's mantissa bits may all sit in the low word.
  const nan = (bits & m.man) !== 0 || (stride === 2 && words[first - 1] !== 0);
  return { count, first: (first - stride + 1) / stride, kind: nan ? 'NaN' : bits & m.sign ? '-Inf' : 'Inf' };
}

/** Finds NaN/±Inf values in a float tensor (F32, F16, BF16, F64); null when all are finite or not floats. */
export function findNonFinite(file: SafeTensorFile, info: SafeTensorInfo): NonFinite | null {
  const raw = file.bytes.subarray(info.offset, info.offset + info.length);
  // Typed views need aligned offsets; an unaligned tensor (rare: writers align the data section) is copied.
  const words = (size: 2 | 4) => {
    const src = raw.byteOffset % size === 0 ? raw : raw.slice();
    return size === 4
      ? new Uint32Array(src.buffer, src.byteOffset, src.byteLength / 4)
      : new Uint16Array(src.buffer, src.byteOffset, src.byteLength / 2);
  };
  switch (info.dtype) {
    case 'F32':
      return scan(words(4), 1, F32);
    case 'F16':
      return scan(words(2), 1, F16);
    case 'BF16':
      return scan(words(2), 1, BF16);
    case 'F64':
      // Little-endian: the high word (sign, exponent, top of the mantissa) is the second of each pair.
      return scan(words(4), 2, F64_HI);
    default:
      return null;
  }
}
