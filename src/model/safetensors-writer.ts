/** Writes safetensors bytes (used for random-weight models and dtype tests; never for shipping weights). */
import type { SafeDType } from './safetensors';

export interface TensorToWrite {
  name: string;
  dtype: SafeDType;
  shape: number[];
  data: Uint8Array;
}

export function writeSafetensors(
  tensors: TensorToWrite[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data section starts 8-byte aligned, like the reference writer does.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let o = 8 + head.length;
  for (const t of tensors) {
    out.set(t.data, o);
    o += t.data.length;
  }
  return out;
}

/** float32 → bfloat16 bits, round to nearest even (as torch does). */
export function f32ToBf16(x: Float32Array): Uint8Array {
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = u[i];
    out[i] = (v + 0x7fff + ((v >>> 16) & 1)) >>> 16;
  }
  return new Uint8Array(out.buffer);
}

/** float32 → IEEE half bits, round to nearest even (subnormals handled). */
export function f32ToF16(x: Float32Array): Uint8Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    f[0] = x[i];
    const bits = u[0];
    const sign = (bits >>> 16) & 0x8000;
    const exp = (bits >>> 23) & 0xff;
    let mant = bits & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rem > half || (rem === half && h & 1)) h++;
      out[i] = sign | h;
    } else {
      let h = (e << 10) | (mant >>> 13);
      const rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
      out[i] = sign | h;
    }
  }
  return new Uint8Array(out.buffer);
}
