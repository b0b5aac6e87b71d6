/** Reads the shared parity fixture (../shared/fixtures/winclip-tiny) for tests and benchmarks. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED_DIR = resolve(here, '../../shared');
export const FIXTURE_DIR = join(SHARED_DIR, 'fixtures/winclip-tiny');
export const CLIP_DIR = join(SHARED_DIR, 'clip');

export interface ArrayEntry {
  name: string;
  file: string;
  dtype: 'float32' | 'int32';
  shape: number[];
}

export interface FixtureImage {
  name: string;
  file: string;
  role: 'test' | 'reference';
  mode: string;
  width: number;
  height: number;
  tiles: { name: string; box: [number, number, number, number] }[];
}

export interface Manifest {
  class_name: string;
  temperature: number;
  grid_size: [number, number];
  scales: number[];
  images: FixtureImage[];
  reference_tiles_in_memory: string[];
  preprocess: { mean: number[]; std: number[]; image_size: number };
  arrays: ArrayEntry[];
}

export const manifest: Manifest = JSON.parse(readFileSync(join(FIXTURE_DIR, 'manifest.json'), 'utf8'));
export const fixturePrompts: { class_name: string; normal: string[]; anomalous: string[] } = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'prompts.json'), 'utf8'),
);

export function hasArray(name: string): boolean {
  return manifest.arrays.some((a) => a.name === name);
}

export function arrayEntry(name: string): ArrayEntry {
  const e = manifest.arrays.find((a) => a.name === name);
  if (!e) throw new Error(`fixture array ${name} not in manifest`);
  return e;
}

/** Loads a fixture array as Float32Array or Int32Array with its shape. */
export function loadArray(name: string): { data: Float32Array | Int32Array; shape: number[] } {
  const e = arrayEntry(name);
  const buf = readFileSync(join(FIXTURE_DIR, e.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = e.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
  return { data, shape: e.shape };
}

export function loadF32(name: string): Float32Array {
  const a = loadArray(name).data;
  if (!(a instanceof Float32Array)) throw new Error(`${name} is not float32`);
  return a;
}

/** Largest absolute element-wise difference; throws on length mismatch. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return m;
}
