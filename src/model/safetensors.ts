/**
 * safetensors reader: parses the JSON header and exposes each tensor as a byte range of the
 * original buffer, so float32 checkpoints reach onnxruntime without any copy.
 */
export type SafeDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface SafeTensorInfo {
  name: string;
  dtype: SafeDType;
  shape: number[];
  /** Absolute byte offset of the data inside the file. */
  offset: number;
  length: number;
}

export interface SafeTensorFile {
  bytes: Uint8Array;
  tensors: Map<string, SafeTensorInfo>;
  metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<SafeDType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

export function parseSafetensors(
  bytes: Uint8Array,
  fileName = 'open_clip_model.safetensors',
): SafeTensorFile {
  // Only the header's bytes are read here (through subarray): `bytes` may be a file on disk that is
  // read on demand (src/io/blob-bytes.ts).
  let headEnd = bytes.byteLength;
  if (bytes.byteLength >= 8) {
    const first = bytes.subarray(0, 8);
    const headerLen = Number(new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true));
    headEnd = Math.min(bytes.byteLength, 8 + Math.min(headerLen, 100_000_001));
  }
  return { ...parseSafetensorsHeader(bytes.subarray(0, headEnd), bytes.byteLength, fileName), bytes };
}

/**
 * Parses the header from the first bytes of a file of `totalBytes` (`head` must hold all of the
 * header): lets a file held as several parts, or still streaming, be read without joining it.
 */
export function parseSafetensorsHeader(
  head: Uint8Array,
  totalBytes: number,
  fileName = 'open_clip_model.safetensors',
): Omit<SafeTensorFile, 'bytes'> {
  if (head.byteLength < 8) throw new SafetensorsError(`${fileName}: too short to be a safetensors file`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 0 || 8 + headerLen > totalBytes || headerLen > 100_000_000) {
    throw new SafetensorsError(`${fileName}: not a safetensors file (bad header length)`);
  }
  if (8 + headerLen > head.byteLength) {
    throw new SafetensorsError(`${fileName}: the first part ends inside the header`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(head.subarray(8, 8 + headerLen)));
  } catch {
    throw new SafetensorsError(`${fileName}: not a safetensors file (header is not JSON)`);
  }
  const dataStart = 8 + headerLen;
  const dataLength = totalBytes - dataStart;
  const tensors = new Map<string, SafeTensorInfo>();
  const ranges: { name: string; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    if (!t || typeof t.dtype !== 'string' || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) {
      throw new SafetensorsError(`${fileName}: malformed header entry for '${name}'`);
    }
    if (!(t.dtype in DTYPE_BYTES)) {
      throw new SafetensorsError(`${fileName}: tensor '${name}' has unsupported dtype ${t.dtype}`);
    }
    const dtype = t.dtype as SafeDType;
    const [begin, end] = t.data_offsets;
    if (
      t.data_offsets.length !== 2 ||
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw new SafetensorsError(`${fileName}: tensor '${name}' has a malformed shape or data_offsets`);
    }
    if (begin < 0) {
      throw new SafetensorsError(
        `${fileName}: tensor '${name}' data range [${begin}, ${end}) starts before the data section (inside the header)`,
      );
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * DTYPE_BYTES[dtype]) {
      throw new SafetensorsError(
        `${fileName}: tensor '${name}' data range [${begin}, ${end}) does not fit its shape [${t.shape.join(', ')}] of ${dtype}`,
      );
    }
    if (end > dataLength) {
      throw new SafetensorsError(
        `${fileName}: tensor '${name}' data range [${begin}, ${end}) ends past the data section of ${dataLength} bytes (truncated download?)`,
      );
    }
    ranges.push({ name, begin, end });
    tensors.set(name, { name, dtype, shape: t.shape, offset: dataStart + begin, length: end - begin });
  }
  checkCoverage(ranges, dataLength, fileName);
  return { tensors, metadata };
}

/**
 * The format requires the tensors' byte ranges to tile the data section exactly: no overlap (two names
 * aliasing the same bytes), no hole and no trailing bytes (room for a polyglot payload).
 */
function checkCoverage(
  ranges: { name: string; begin: number; end: number }[],
  dataLength: number,
  fileName: string,
) {
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: (typeof ranges)[number] | null = null;
  for (const r of ranges) {
    if (r.begin < pos && prev) {
      throw new SafetensorsError(
        `${fileName}: tensors '${prev.name}' [${prev.begin}, ${prev.end}) and '${r.name}' [${r.begin}, ${r.end}) overlap`,
      );
    }
    if (r.begin > pos) {
      const where = prev ? `between '${prev.name}' and '${r.name}'` : `before '${r.name}'`;
      throw new SafetensorsError(
        `${fileName}: data bytes [${pos}, ${r.begin}) ${where} belong to no tensor (the data section must have no holes)`,
      );
    }
    pos = r.end;
    prev = r;
  }
  if (pos !== dataLength) {
    const after = prev ? `after the last tensor '${prev.name}'` : 'and the header lists no tensor';
    throw new SafetensorsError(
      `${fileName}: the data section has ${dataLength - pos} trailing bytes ${after} (the data section must have no holes)`,
    );
  }
}

/** Decodes one tensor to float32 (F32 copies only when the data is not 4-byte aligned). */
export function tensorToFloat32(file: SafeTensorFile, info: SafeTensorInfo): Float32Array {
  const raw = file.bytes.subarray(info.offset, info.offset + info.length);
  switch (info.dtype) {
    case 'F32':
      if ((raw.byteOffset & 3) === 0) return new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
      return new Float32Array(raw.slice().buffer);
    case 'F16':
      return f16ToF32(raw);
    case 'BF16':
      return bf16ToF32(raw);
    case 'F64': {
      const src = new DataView(raw.buffer, raw.byteOffset, raw.length);
      const out = new Float32Array(raw.length / 8);
      for (let i = 0; i < out.length; i++) out[i] = src.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new SafetensorsError(
        `tensor '${info.name}' has dtype ${info.dtype}; only F32, F16, BF16 and F64 weights are supported`,
      );
  }
}

function bf16ToF32(raw: Uint8Array): Float32Array {
  const n = raw.length / 2;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = (raw[2 * i] | (raw[2 * i + 1] << 8)) << 16;
  return new Float32Array(out.buffer);
}

const F16_TABLE = (() => {
  // Exact IEEE half → single conversion for all 65536 bit patterns.
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 31) t[h] = m ? Number.NaN : s * Number.POSITIVE_INFINITY;
    else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

function f16ToF32(raw: Uint8Array): Float32Array {
  const n = raw.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = F16_TABLE[raw[2 * i] | (raw[2 * i + 1] << 8)];
  return out;
}
