/**
 * Model weights checked against the config and exposed to graph building as external-data
 * references. Float32 checkpoints are referenced in place (no copy); F16/BF16/F64 tensors are
 * converted once into a side buffer, since the float32 graphs need float32 initializers.
 */
import type { ModelConfig } from './config';
import { findNonFinite } from './finite-check';
import { textTensors, visionTensors } from './openclip-layout';
import { parseSafetensors, type SafeTensorFile, tensorToFloat32 } from './safetensors';

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

export class ModelWeights {
  private constructor(
    private readonly refs: Map<string, WeightRef>,
    readonly files: ExternalFile[],
    readonly parameters: number,
    readonly sourceDtypes: string[],
  ) {}

  static fromBytes(bytes: Uint8Array, cfg: ModelConfig): ModelWeights {
    return ModelWeights.fromSafetensors(parseSafetensors(bytes), cfg);
  }

  static fromSafetensors(file: SafeTensorFile, cfg: ModelConfig): ModelWeights {
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
      const bad = findNonFinite(file, file.tensors.get(name)!);
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
    let parameters = 0;
    for (const [name, shape] of expected) {
      const info = file.tensors.get(name)!;
      dtypes.add(info.dtype);
      parameters += shape.reduce((a, b) => a * b, 1);
      if (info.dtype === 'F32') {
        refs.set(name, { name, shape, location: SOURCE_FILE, offset: info.offset, length: info.length });
      } else {
        toConvert.push({ name, shape, data: tensorToFloat32(file, info) });
      }
    }
    const files: ExternalFile[] = [];
    if (refs.size > 0) files.push({ path: SOURCE_FILE, data: file.bytes });
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
    const bytes = file.data.slice(r.offset, r.offset + r.length);
    return new Float32Array(bytes.buffer);
  }

  /** External-data files for the given graph: only files the graph references travel. */
  filesFor(names: Iterable<string>): ExternalFile[] {
    const used = new Set<string>();
    for (const n of names) used.add(this.ref(n).location);
    return this.files.filter((f) => used.has(f.path));
  }
}
