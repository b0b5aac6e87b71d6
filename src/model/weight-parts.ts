/**
 * Cutting a safetensors file into parts that each hold the tensors of one graph only (the vision
 * tower's, the text tower's), so each session gets only its own bytes as external data and each part
 * can be freed once its session holds it. The cut points come from the header, i.e. the first bytes
 * of a download, so a stream can be written straight into per-part buffers.
 */
import type { ModelConfig } from './config';
import { textTensors, visionTensors } from './openclip-layout';
import { parseSafetensorsHeader } from './safetensors';

/**
 * Offsets (ascending, strictly inside the file) where the owning graph changes. OpenCLIP checkpoints
 * store tensors sorted by name, so the text tensors and the `visual.*` tensors form two runs: one cut.
 * Tensors neither graph uses (e.g. logit_scale) never start a part.
 */
export function partCuts(head: Uint8Array, totalBytes: number, cfg: ModelConfig): number[] {
  const { tensors } = parseSafetensorsHeader(head, totalBytes);
  const owner = new Map<string, string>();
  for (const [n] of visionTensors(cfg)) owner.set(n, 'vision');
  for (const [n] of textTensors(cfg)) owner.set(n, 'text');
  const ordered = [...tensors.values()].sort((a, b) => a.offset - b.offset);
  const cuts: number[] = [];
  let current: string | undefined;
  for (const t of ordered) {
    const o = owner.get(t.name);
    if (!o || o === current) continue;
    if (current !== undefined) cuts.push(t.offset);
    current = o;
  }
  return cuts;
}

/** Copies `bytes` into one buffer per part (bench and tests; a download writes the parts directly). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const edges = [0, ...cuts, bytes.byteLength];
  return edges.slice(1).map((end, i) => bytes.slice(edges[i], end));
}

/** Sizes in bytes of the parts `cuts` make of a file of `totalBytes`. */
export function partSizes(totalBytes: number, cuts: readonly number[]): number[] {
  const edges = [0, ...cuts, totalBytes];
  return edges.slice(1).map((end, i) => end - edges[i]);
}

/**
 * Split rule for a streaming safetensors file (see src/io/parts-sink.ts): waits for the whole header,
 * then cuts it per graph. A header it cannot read gives no cuts (one part), so the usual checks word it.
 */
export function safetensorsSplit(cfg: ModelConfig) {
  return (head: Uint8Array, totalBytes: number): number[] | null => {
    if (head.byteLength < 8) return null;
    const headerLen = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
    if (headerLen > 100_000_000 || 8 + headerLen > totalBytes) return [];
    if (head.byteLength < 8 + headerLen) return null;
    try {
      return partCuts(head, totalBytes, cfg);
    } catch {
      return [];
    }
  };
}
