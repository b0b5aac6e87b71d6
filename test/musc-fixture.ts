/** Reads the MuSc stage reference (../shared/fixtures/musc-tiny) for tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxAbsDiff, SHARED_DIR } from './fixture';

const MUSC_DIR = join(SHARED_DIR, 'fixtures/musc-tiny');

export type MuscReference = 'reference' | 'reference-320';

interface Entry {
  name: string;
  file: string;
  shape: number[];
}

const manifests = new Map<MuscReference, { arrays: Entry[]; image_size?: number }>();

function manifestOf(ref: MuscReference): { arrays: Entry[]; image_size?: number } {
  let m = manifests.get(ref);
  if (!m) {
    m = JSON.parse(readFileSync(join(MUSC_DIR, ref, 'manifest.json'), 'utf8'));
    manifests.set(ref, m!);
  }
  return m!;
}

/** One array of a MuSc reference folder (raw little-endian float32) with its shape. */
export function muscArray(ref: MuscReference, name: string): { data: Float32Array; shape: number[] } {
  const e = manifestOf(ref).arrays.find((a) => a.name === name);
  if (!e) throw new Error(`musc fixture ${ref}/${name} not in manifest`);
  const buf = readFileSync(join(MUSC_DIR, ref, e.file));
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { data, shape: e.shape };
}

/** Image i's slice of an array whose first axis is the batch. */
export function imageSlice(a: { data: Float32Array; shape: number[] }, i: number): Float32Array {
  const per = a.data.length / a.shape[0];
  return a.data.subarray(i * per, (i + 1) * per);
}

/** The batch order of the reference (ref_1, ref_2, test_a, test_b, test_c, test_d). */
export const MUSC_BATCH = ['ref_1', 'ref_2', 'test_a', 'test_b', 'test_c', 'test_d'];
/** The fixture's settings: feature layers [0, 1] (the tiny model has 2 blocks), defaults otherwise. */
export const MUSC_LAYERS = [0, 1];
export const MUSC_R = [1, 3, 5];

/** Patch tokens of image i at one used layer (1-based block name), class token dropped: P×C. */
export function patchTokens(ref: MuscReference, block: number, i: number): Float32Array {
  const a = muscArray(ref, `patch_tokens.block${block}`);
  const [, tokens, width] = a.shape;
  return imageSlice(a, i).slice(width, tokens * width);
}

/** A scored lot in the reference's batch order: final (RsCIN) scores, max scores, S×S maps. */
export interface LotOutcome {
  imageScores: ArrayLike<number>;
  maxScores: ArrayLike<number>;
  maps: ArrayLike<number>[];
}

/** Largest differences of a scored lot from the reference's rscin_score, ac_score and anomaly_maps. */
export function lotDiffs(ref: MuscReference, lot: LotOutcome): { rscin: number; ac: number; maps: number } {
  const maps = muscArray(ref, 'anomaly_maps');
  if (lot.maps.length !== maps.shape[0])
    throw new Error(`${ref}: ${maps.shape[0]} maps expected, got ${lot.maps.length}`);
  return {
    rscin: maxAbsDiff(lot.imageScores, muscArray(ref, 'rscin_score').data),
    ac: maxAbsDiff(lot.maxScores, muscArray(ref, 'ac_score').data),
    maps: Math.max(...lot.maps.map((m, i) => maxAbsDiff(m, imageSlice(maps, i)))),
  };
}
