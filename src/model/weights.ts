/**
 * Model weights checked against the config and exposed to graph building as external-data
 * references. Float32 checkpoints are referenced in place (no copy); F16/BF16/F64 tensors are
 * converted once into a side buffer, since the float32 graphs need float32 initializers.
 */
import type { ModelConfig } from './config';
import { findNonFinite } from './finite-check';
import { textTensors, visionTensors } from './openclip-layout';
import {
  parseSafetensors,
  parseSafetensorsHeader,
  type SafeTensorFile,
  type SafeTensorInfo,
  tensorToFloat32,
} from './safetensors';

export interface WeightRef {
  name: string;
  shape: number[];
  location: string;
  offset: number;
  length: number;
}

export interface ExternalFile {
  path: string;
  data: Uint8Array;
}

export class WeightsError extends Error {
  override name = 'WeightsError';
}

const SOURCE_FILE = 'weights.safetensors';
const CONVERTED_FILE = 'weights.converted.f32';

const fmt = (s: number[]) => `[${s.join(', ')}]`;

/** Name of the external-data file of part i of a file held in parts. */
const partFile = (i: number) => `weights.part${i}.safetensors`;

/**
 * Frees a buffer now rather than at the next garbage collection (which may come only after the next
 * session's allocations): a zero-length transfer detaches it and drops its memory. Only for buffers
 * nothing else uses; views into a bigger buffer are left alone.
 */
function detach(view: Uint8Array): void {
  const buf = view.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  if (view.byteOffset === 0 && view.byteLength === buf.byteLength && typeof buf.transfer === 'function')
    buf.transfer(0);
}

export class ModelWeights {
  private constructor(
    private readonly refs: Map<string, WeightRef>,
    private files: ExternalFile[],
    readonly parameters: number,
    readonly sourceDtypes: string[],
  ) {}

  static fromBytes(bytes: Uint8Array, cfg: ModelConfig): ModelWeights {
    return ModelWeights.fromSafetensors(parseSafetensors(bytes), cfg);
  }

  /**
   * The file as consecutive parts (their concatenation is the file; the header lies in the first):
   * each tensor must lie inside one part, and a graph's external data is then only the parts its
   * tensors lie in, so a part can be freed as soon as the sessions that need it are created.
   */
  static fromParts(parts: readonly Uint8Array[], cfg: ModelConfig): ModelWeights {
    if (parts.length === 1) return ModelWeights.fromBytes(parts[0], cfg);
    const starts: number[] = [];
    let total = 0;
    for (const p of parts) {
      starts.push(total);
      total += p.byteLength;
    }
    const head = parseSafetensorsHeader(parts[0] ?? new Uint8Array(0), total);
    const partOf = (t: SafeTensorInfo) => {
      const i = starts.findLastIndex((s) => s <= t.offset);
      if (i < 0 || t.offset + t.length > starts[i] + parts[i].byteLength)
        throw new WeightsError(`internal: tensor '${t.name}' crosses a part boundary`);
      return i;
    };
    return ModelWeights.build(head.tensors, cfg, (t) => {
      const i = partOf(t);
      return { path: partFile(i), data: parts[i], offset: t.offset - starts[i] };
    });
  }

  static fromSafetensors(file: SafeTensorFile, cfg: ModelConfig): ModelWeights {
    return ModelWeights.build(file.tensors, cfg, (t) => ({
      path: SOURCE_FILE,
      data: file.bytes,
      offset: t.offset,
    }));
  }

  /** `locate` says which file (and where in it) holds a tensor's bytes. */
  private static build(
    tensors: ReadonlyMap<string, SafeTensorInfo>,
    cfg: ModelConfig,
    locate: (t: SafeTensorInfo) => { path: string; data: Uint8Array; offset: number },
  ): ModelWeights {
    const file = { tensors };
    const expected = [...visionTensors(cfg), ...textTensors(cfg)];
    const missing = expected.filter(([n]) => !file.tensors.has(n)).map(([n]) => n);
    if (missing.length > 0) {
      const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
      throw new WeightsError(
        `weights do not match the config: missing tensor${missing.length > 1 ? 's' : ''} ${missing
          .slice(0, 3)
          .map((m) => `'${m}'`)
          .join(', ')}${more}`,
      );
    }
    for (const [name, shape] of expected) {
      const info = file.tensors.get(name)!;
      // OpenCLIP stores class_embedding as [W]; some exports keep a leading 1.
      const got = info.shape.filter((d, i) => !(d === 1 && info.shape.length > shape.length && i === 0));
      if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
        throw new WeightsError(
          `weights do not match the config: tensor '${name}' has shape ${fmt(info.shape)}, the config implies ${fmt(shape)}`,
        );
      }
    }
    for (const [name] of expected) {
      const info = file.tensors.get(name)!;
      const at = locate(info);
      const bad = findNonFinite(
        { bytes: at.data, tensors: new Map(), metadata: {} },
        { ...info, offset: at.offset },
      );
      if (bad) {
        const more = bad.count > 1 ? ` (${bad.count} non-finite values in all)` : '';
        throw new WeightsError(
          `weights are damaged: tensor '${name}' holds ${bad.kind} at element ${bad.first}${more}`,
        );
      }
    }
    const refs = new Map<string, WeightRef>();
    const toConvert: { name: string; shape: number[]; data: Float32Array }[] = [];
    const dtypes = new Set<string>();
    const sources = new Map<string, Uint8Array>();
    let parameters = 0;
    for (const [name, shape] of expected) {
      const info = file.tensors.get(name)!;
      dtypes.add(info.dtype);
      parameters += shape.reduce((a, b) => a * b, 1);
      const at = locate(info);
      if (info.dtype === 'F32') {
        refs.set(name, { name, shape, location: at.path, offset: at.offset, length: info.length });
        sources.set(at.path, at.data);
      } else {
        toConvert.push({
          name,
          shape,
          data: tensorToFloat32(
            { bytes: at.data, tensors: new Map(), metadata: {} },
            { ...info, offset: at.offset },
          ),
        });
      }
    }
    const files: ExternalFile[] = [...sources].map(([path, data]) => ({ path, data }));
    if (toConvert.length > 0) {
      const total = toConvert.reduce((a, t) => a + t.data.byteLength, 0);
      const buf = new Uint8Array(total);
      let off = 0;
      for (const t of toConvert) {
        buf.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), off);
        refs.set(t.name, {
          name: t.name,
          shape: t.shape,
          location: CONVERTED_FILE,
          offset: off,
          length: t.data.byteLength,
        });
        off += t.data.byteLength;
      }
      files.push({ path: CONVERTED_FILE, data: buf });
    }
    return new ModelWeights(refs, files, parameters, [...dtypes]);
  }

  ref(name: string): WeightRef {
    const r = this.refs.get(name);
    if (!r) throw new WeightsError(`internal: weight '${name}' was not validated`);
    return r;
  }

  /** Reads a weight as float32 (used for small host-side tensors, e.g. in tests). */
  read(name: string): Float32Array {
    const r = this.ref(name);
    const file = this.files.find((f) => f.path === r.location)!;
    const bytes = file.data.subarray(r.offset, r.offset + r.length).slice();
    return new Float32Array(bytes.buffer);
  }

  /**
   * Forgets every file that none of `stillNeeded` lies in (e.g. the vision parts once the image
   * session holds them), so its bytes can be collected; read() and filesFor() of those names fail after.
   */
  release(stillNeeded: Iterable<string>, opts: { detach?: boolean } = {}): void {
    const keep = new Set<string>();
    for (const n of stillNeeded) keep.add(this.ref(n).location);
    const gone = this.files.filter((f) => !keep.has(f.path));
    this.files = this.files.filter((f) => keep.has(f.path));
    if (opts.detach) for (const f of gone) detach(f.data);
  }

  /** The biggest weight (one GPU buffer each on WebGPU). */
  largest(): WeightRef {
    let best: WeightRef | null = null;
    for (const r of this.refs.values()) if (!best || r.length > best.length) best = r;
    if (!best) throw new WeightsError('internal: no weights');
    return best;
  }

  /** Bytes of every file still held. */
  get heldBytes(): number {
    return this.files.reduce((a, f) => a + f.data.byteLength, 0);
  }

  /** External-data files for the given graph: only files the graph references travel. */
  filesFor(names: Iterable<string>): ExternalFile[] {
    const used = new Set<string>();
    for (const n of names) used.add(this.ref(n).location);
    return this.files.filter((f) => used.has(f.path));
  }
}
