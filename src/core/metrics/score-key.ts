/**
 * Order-preserving 32-bit keys for float32 scores: key(a) < key(b) exactly when a < b, equal keys
 * exactly when the float32 values are equal (+0 and -0 map to one key). Sorting or histogramming keys
 * is therefore sorting or histogramming the scores themselves.
 */

const SIGN = 0x80000000;

/** Key of one float32 bit pattern. */
export function keyFromBits(bits: number): number {
  if (bits === SIGN) return SIGN; // -0 → +0
  return bits & SIGN ? ~bits >>> 0 : (bits | SIGN) >>> 0;
}

/** Float32 value of a key (inverse of keyFromBits). */
export function valueFromKey(key: number): number {
  const bits = key & SIGN ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
  scratchU32[0] = bits;
  return scratchF32[0];
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** Key of a number after rounding it to float32. */
export function keyOf(value: number): number {
  scratchF32[0] = value;
  return keyFromBits(scratchU32[0]);
}

/** Views a Float32Array's bits without copying. */
export function bitsView(map: Float32Array): Uint32Array {
  return new Uint32Array(map.buffer, map.byteOffset, map.length);
}

/**
 * Sorts the first n keys ascending in place (LSD radix, two 16-bit passes), permuting `payload`
 * alongside. Linear time; needs one temporary copy of both arrays.
 */
export function radixSortInPlace(keys: Uint32Array, payload: Uint32Array, n: number): void {
  const tmpK = new Uint32Array(n);
  const tmpP = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  const pass = (
    srcK: Uint32Array,
    srcP: Uint32Array,
    dstK: Uint32Array,
    dstP: Uint32Array,
    shift: number,
  ) => {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(srcK[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcK[i];
      const at = counts[(k >>> shift) & 0xffff]++;
      dstK[at] = k;
      dstP[at] = srcP[i];
    }
  };
  pass(keys, payload, tmpK, tmpP, 0);
  pass(tmpK, tmpP, keys, payload, 16);
}
