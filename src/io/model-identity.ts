/**
 * A cheap, stable identity for a model's weights, used to key stored image features and prompt
 * embeddings: SHA-256 over the file size, the whole safetensors header (tensor names, dtypes, shapes,
 * offsets) and three 64 KiB samples of the tensor data (its start, middle and end). The header alone
 * would give two fine-tunes of one architecture the same identity; the samples tell them apart without
 * hashing the whole file (0.83 GB for the default model). The config is hashed too, since it changes
 * how the same weights are run.
 */

const SAMPLE_BYTES = 64 * 1024;

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The weights file as one buffer, or as the parts it is read in (see src/model/weight-parts.ts). */
export type WeightsBytes = Uint8Array | readonly Uint8Array[];

/** Bytes [start, end) of the file, whether whole or in parts. */
function reader(weights: WeightsBytes): { size: number; read(start: number, end: number): Uint8Array } {
  const parts = weights instanceof Uint8Array ? [weights] : weights;
  const size = parts.reduce((n, p) => n + p.byteLength, 0);
  return {
    size,
    read(start, end) {
      const out = new Uint8Array(Math.max(0, end - start));
      let base = 0;
      for (const p of parts) {
        const lo = Math.max(start, base);
        const hi = Math.min(end, base + p.byteLength);
        if (lo < hi) out.set(p.subarray(lo - base, hi - base), lo - start);
        base += p.byteLength;
      }
      return out;
    },
  };
}

/** Bytes that go into the identity (exported for tests). */
export function identityInput(weights: WeightsBytes, config: unknown): Uint8Array {
  const file = reader(weights);
  const size = file.size;
  let headerEnd = Math.min(size, 8);
  if (size >= 8) {
    const head = file.read(0, 8);
    headerEnd = Math.min(size, 8 + Number(new DataView(head.buffer).getBigUint64(0, true)));
  }
  const dataLen = size - headerEnd;
  const starts = [
    0,
    Math.max(0, Math.floor(dataLen / 2) - SAMPLE_BYTES / 2),
    Math.max(0, dataLen - SAMPLE_BYTES),
  ];
  const parts: Uint8Array[] = [
    new TextEncoder().encode(`winclip-model-v1\n${size}\n${JSON.stringify(config ?? null)}\n`),
    file.read(0, headerEnd),
  ];
  for (const s of starts)
    parts.push(file.read(headerEnd + s, headerEnd + Math.min(dataLen, s + SAMPLE_BYTES)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Hex SHA-256 identity of a model (see the module comment for what it covers). */
export async function modelIdentity(weights: WeightsBytes, config: unknown): Promise<string> {
  const input = identityInput(weights, config);
  return hex(await crypto.subtle.digest('SHA-256', input as Uint8Array<ArrayBuffer>));
}

/** Hex SHA-256 of an image file's bytes: stored features are keyed by content, not file name. */
export async function contentHash(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as ArrayBuffer));
}
