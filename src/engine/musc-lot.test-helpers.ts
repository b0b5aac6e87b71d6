/**
 * A test-only `MuscDevice`: tokens come from the MuSc fixture (../shared/fixtures/musc-tiny) by image,
 * nearest distances are computed by brute force in float64. It lets the lot be checked against the
 * reference without ONNX.
 */

import {
  imageSlice,
  MUSC_BATCH,
  MUSC_LAYERS,
  type MuscReference,
  muscArray,
  patchTokens,
} from '../../test/musc-fixture';
import type { RgbImage } from '../core/types';
import type { MuscDevice, MuscTokens, NearestDistances } from './musc-api';

/** The fixture's tokens of batch image i. */
export function fixtureTokens(ref: MuscReference, i: number): MuscTokens {
  const grid = muscArray(ref, 'patch_scores').shape[1];
  const width = muscArray(ref, 'patch_tokens.block1').shape[2];
  return {
    size: muscArray(ref, 'anomaly_maps').shape[1],
    grid,
    width,
    layers: [...MUSC_LAYERS],
    patchTokens: MUSC_LAYERS.map((l) => patchTokens(ref, l + 1, i)),
    classToken: imageSlice(muscArray(ref, 'class_tokens'), i).slice(),
  };
}

/** min over j's patches of the Euclidean distance, for each of a's patches, per feature set. */
function nearest(a: Float32Array, b: Float32Array, f: number, p: number, c: number): Float32Array {
  const out = new Float32Array(f * p);
  for (let s = 0; s < f; s++) {
    const base = s * p * c;
    for (let q = 0; q < p; q++) {
      let best = Number.POSITIVE_INFINITY;
      const qa = base + q * c;
      for (let t = 0; t < p; t++) {
        const tb = base + t * c;
        let d = 0;
        for (let k = 0; k < c; k++) {
          const x = a[qa + k] - b[tb + k];
          d += x * x;
        }
        if (d < best) best = d;
      }
      out[s * p + q] = Math.sqrt(best);
    }
  }
  return out;
}

/**
 * A device whose "images" are stand-ins: `image(i)` gives a 1×1 RgbImage that `encodeTokens` maps back to
 * the fixture's batch image i. Counts its calls.
 */
export class FixtureDevice implements MuscDevice {
  readonly calls = { encode: 0, nearest: 0 };
  private readonly byImage = new Map<RgbImage, number>();

  constructor(private readonly ref: MuscReference) {}

  image(i: number): RgbImage {
    const im: RgbImage = { width: 1, height: 1, data: Uint8Array.of(i, i, i) };
    this.byImage.set(im, i);
    return im;
  }

  async encodeTokens(image: RgbImage, size: number, layers: number[]): Promise<MuscTokens> {
    const i = this.byImage.get(image);
    if (i === undefined) throw new Error('not a fixture stand-in image');
    const t = fixtureTokens(this.ref, i);
    if (size !== t.size || layers.join() !== t.layers.join())
      throw new Error(`the fixture has size ${t.size}, layers ${t.layers}; asked ${size}, ${layers}`);
    this.calls.encode++;
    return t;
  }

  async nearestDistances(
    query: Float32Array,
    others: Float32Array[],
    shape: { f: number; p: number; c: number },
  ): Promise<NearestDistances> {
    this.calls.nearest++;
    const { f, p, c } = shape;
    return {
      queryToOther: others.map((o) => nearest(query, o, f, p, c)),
      otherToQuery: others.map((o) => nearest(o, query, f, p, c)),
    };
  }
}

export const FIXTURE_KEYS = MUSC_BATCH;
