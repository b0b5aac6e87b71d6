import { describe, expect, it } from 'vitest';
import { npyHeader, parseNpyFloat32 } from './npy';

describe('npyHeader', () => {
  it('writes the NPY 1.0 header numpy writes, padded so the data starts at a multiple of 64 bytes', () => {
    const h = npyHeader([6000, 8000]);
    expect(h.length).toBe(128);
    expect([...h.subarray(0, 10)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    const dict = new TextDecoder().decode(h.subarray(10));
    expect(dict).toBe(`{'descr': '<f4', 'fortran_order': False, 'shape': (6000, 8000), }${' '.repeat(52)}\n`);
    expect(new TextDecoder().decode(npyHeader([3]).subarray(10)).trimEnd()).toBe(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
    );
  });

  it('round-trips float32 data', () => {
    const data = Float32Array.of(0.5, -1, 3.25, Number.NaN, 1e-30, 7);
    const bytes = new Uint8Array([...npyHeader([2, 3]), ...new Uint8Array(data.buffer)]);
    const back = parseNpyFloat32(bytes);
    expect(back.shape).toEqual([2, 3]);
    expect([...back.data]).toEqual([...data]);
  });
});
