/**
 * NPY format version 1.0 header (numpy.lib.format): magic "\x93NUMPY", version 1.0, a little-endian uint16
 * header length, then an ASCII dict padded with spaces and ended by '\n' so the data starts at a multiple
 * of 64 bytes. The data that follows is the array's raw bytes in C order.
 */

/** Header for a little-endian float32 array of `shape` (data: the Float32Array's bytes, as on x86/ARM). */
export function npyHeader(shape: number[], descr = '<f4'): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (dict.length > 0xffff) throw new Error('npy header too long for format 1.0');
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/** Reads a float32 .npy written by npyHeader + data (for tests and tools): shape and values. */
export function parseNpyFloat32(bytes: Uint8Array): { shape: number[]; data: Float32Array } {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (!magic.every((b, i) => bytes[i] === b)) throw new Error('not an .npy file');
  const len = bytes[8] | (bytes[9] << 8);
  const dict = new TextDecoder().decode(bytes.subarray(10, 10 + len));
  if (!/'descr': '<f4'/.test(dict) || !/'fortran_order': False/.test(dict))
    throw new Error(`unsupported .npy header ${dict.trim()}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(dict)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const data = new Float32Array(bytes.slice(10 + len).buffer);
  return { shape, data };
}
