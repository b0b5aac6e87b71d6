/** Reads the lot mode's reference arrays (../shared/fixtures/musc-tiny, S = 240 and S = 320). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from './fixture';

export const MUSC_DIR = join(SHARED_DIR, 'fixtures/musc-tiny');

interface MuscManifest {
  batch_order: string[];
  image_size: number;
  arrays: { name: string; file: string; shape: number[] }[];
}

export type MuscReference = 'reference' | 'reference-320';

const manifests = new Map<MuscReference, MuscManifest>();

export function muscManifest(ref: MuscReference): MuscManifest {
  let m = manifests.get(ref);
  if (!m) {
    m = JSON.parse(readFileSync(join(MUSC_DIR, ref, 'manifest.json'), 'utf8')) as MuscManifest;
    manifests.set(ref, m);
  }
  return m;
}

/** A float32 array of the reference and its shape. */
export function muscArray(ref: MuscReference, name: string): { data: Float32Array; shape: number[] } {
  const e = muscManifest(ref).arrays.find((a) => a.name === name);
  if (!e) throw new Error(`musc fixture ${ref} has no array ${name}`);
  const buf = readFileSync(join(MUSC_DIR, ref, e.file));
  return {
    data: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)),
    shape: e.shape,
  };
}
